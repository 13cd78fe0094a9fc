package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reading wrk 4.1's summary, as printed by Debian's wrk (captured from a real run). */
class WrkTest {
    private static final String ERRORS = """
            Running 1s test @ http://127.0.0.1:18089/x
              1 threads and 4 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.63ms    9.40ms  51.39ms   89.61%
                Req/Sec    18.29k     8.82k   32.66k    70.00%
              Latency Distribution
                 50%   73.00us
                 75%    0.89ms
                 90%   14.02ms
                 99%   44.17ms
              18246 requests in 1.00s, 2.92MB read
              Socket errors: connect 1, read 2, write 3, timeout 4
              Non-2xx or 3xx responses: 18246
            Requests/sec:  18187.91
            Transfer/sec:      2.91MB
            """;

    @Test
    void readsRatePercentilesAndErrors() throws IOException {
        Wrk.Result result = Wrk.parse(ERRORS, 1);

        assertThat(result.requests()).isEqualTo(18246);
        assertThat(result.perSecond()).isEqualTo(18187.91);
        assertThat(result.p50Ms()).isEqualTo(0.073);
        assertThat(result.p99Ms()).isEqualTo(44.17);
        assertThat(result.errors()).isEqualTo(18246 + 1 + 2 + 3 + 4);
    }

    @Test
    void aCleanRunHasNoErrorsAndSecondsAreMilliseconds() throws IOException {
        String clean = ERRORS.replace("  Socket errors: connect 1, read 2, write 3, timeout 4\n", "")
                .replace("  Non-2xx or 3xx responses: 18246\n", "").replace("44.17ms", "1.50s");

        Wrk.Result result = Wrk.parse(clean, 1);

        assertThat(result.errors()).isZero();
        assertThat(result.p99Ms()).isEqualTo(1500.0);
    }

    @Test
    void noSummaryIsAnError() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused", 1))
                .isInstanceOf(IOException.class).hasMessageContaining("no summary").hasMessageContaining("Connection refused");
    }

    @Test
    void onlyLoopbackIsLoaded() {
        assertThatThrownBy(() -> Wrk.run("http://example.com/", 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
