package dev.heliograph.probe.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.domain.RegionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIdentityTest {
    private static final AgentIdentity IDENTITY = new AgentIdentity("agent-1", "hg_agk_secret", "eu-west",
            "http://127.0.0.1:8081");

    @TempDir
    Path root;

    @Test
    void createsAMissingDataDirectoryWithMode0700() throws IOException {
        Path dir = root.resolve("a/b/agent-data");
        AgentIdentity.createDataDir(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void savesWithMode0600AndLoadsTheSameIdentity() throws IOException {
        AgentIdentity.createDataDir(root.resolve("d"));
        Path dir = root.resolve("d");
        IDENTITY.save(dir);

        Path file = dir.resolve(AgentIdentity.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AgentIdentity.load(dir)).contains(IDENTITY);
        assertThat(AgentIdentity.load(dir).orElseThrow().regionId()).isEqualTo(new RegionId("eu-west"));
        assertThat(Files.readString(file)).contains("\"agent_id\":\"agent-1\"", "\"agent_key\":\"hg_agk_secret\"");
        assertThat(dir.resolve(AgentIdentity.FILE + ".tmp")).doesNotExist();
    }

    @Test
    void aSecondSaveReplacesTheFirstAndKeepsMode0600() throws IOException {
        IDENTITY.save(root);
        AgentIdentity next = new AgentIdentity("agent-2", "hg_agk_other", "local", "http://cp:8081");
        next.save(root);
        assertThat(AgentIdentity.load(root)).contains(next);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(AgentIdentity.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void noFileMeansNoIdentity() throws IOException {
        assertThat(AgentIdentity.load(root)).isEmpty();
    }

    @Test
    void aMalformedFileIsAnErrorThatNamesIt() throws IOException {
        Files.writeString(root.resolve(AgentIdentity.FILE), "{\"agent_id\":\"x\"}");
        assertThatThrownBy(() -> AgentIdentity.load(root)).isInstanceOf(IOException.class)
                .hasMessageContaining(AgentIdentity.FILE).hasMessageContaining("malformed");
    }

    @Test
    void toStringHidesTheKey() {
        assertThat(IDENTITY.toString()).doesNotContain("secret").contains("agent-1");
    }
}
