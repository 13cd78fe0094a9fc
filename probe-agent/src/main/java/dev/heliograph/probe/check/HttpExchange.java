package dev.heliograph.probe.check;

import dev.heliograph.domain.Failure;
import dev.heliograph.probe.net.NameResolver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One HTTP/1.1 request and its response (RFC 9112) over a socket the caller has already connected,
 * optionally after a TLS handshake, with the time each phase took. This is the only class that uses
 * Vert.x's internal {@link NetSocketInternal} API and Netty's pipeline.
 *
 * <p>How connect and TLS are timed apart: the caller times {@code NetClient.connect} alone (a plain
 * TCP connect to the resolved address). This class then adds Netty's {@link SslHandler} at the head
 * of the socket's channel pipeline and times its {@code handshakeFuture()}, so the TLS handshake is
 * measured on its own. It then puts Netty's {@link HttpClientCodec} in front of Vert.x's handler,
 * writes a request object with {@code writeMessage} and receives {@link HttpResponse} and
 * {@link HttpContent} objects with {@code messageHandler}; the first {@link HttpResponse} marks the
 * first byte. The TLS engine has no peer port, so the JDK never stores or resumes a session: every
 * check pays a full handshake, as a first-time visitor would.
 *
 * <p>The returned future fails with {@link ExchangeFailure} when the answer is missing or malformed
 * and with the I/O or {@link SSLException} otherwise; the caller closes the socket.
 */
final class HttpExchange {
    /** Most response body bytes read and kept; reading stops there. */
    static final int BODY_LIMIT = 64 * 1024;

    /** What to send. {@code body} is {@code null} for none; {@code headers} override the defaults. */
    record Request(String method, URI uri, Map<String, String> headers, String body) {
        /** Names the method and URI only: headers and body may hold secrets. */
        @Override
        public String toString() {
            return method + " " + uri;
        }
    }

    /** What came back: status, {@code Location} (or {@code null}) and up to 64 KiB of body. */
    record Response(int status, String location, byte[] body) {
    }

    /** The server answered nothing usable; the message is meant for an operator. */
    static final class ExchangeFailure extends Exception {
        private final transient Fault fault;

        ExchangeFailure(Failure failure, String message) {
            super(message, null, false, false);
            this.fault = new Fault(failure, message);
        }

        /** The typed reason and its text. */
        Fault fault() {
            return fault;
        }
    }

    private final NetSocketInternal socket;
    private final Context context;
    private final Promise<Response> result = Promise.promise();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private double tlsMs;
    private long sentNanos;
    private double ttfbMs;
    private int status;
    private String location;
    private boolean informational;

    private HttpExchange(NetSocket socket, Context context) {
        this.socket = (NetSocketInternal) socket;
        this.context = context;
    }

    /**
     * Starts {@code request} over {@code socket}, first handshaking with {@code tls} unless it is
     * {@code null}; {@link #response()} completes once, on {@code context}.
     */
    static HttpExchange start(NetSocket socket, Context context, SslContext tls, Request request) {
        HttpExchange exchange = new HttpExchange(socket, context);
        exchange.start(tls, request);
        return exchange;
    }

    /** The response, once its body ended or reached 64 KiB. */
    Future<Response> response() {
        return result.future();
    }

    /** How long the TLS handshake took, ms, also when it failed; 0 without TLS or before it ended. */
    double tlsMs() {
        return tlsMs;
    }

    /** From writing the request to the response head, ms; 0 before a response arrived. */
    double ttfbMs() {
        return ttfbMs;
    }

    /** The final response's status code; 0 before its head arrived. */
    int status() {
        return status;
    }

    /**
     * A client TLS context (JDK provider); {@code verify} chooses the JDK's default trust store with
     * hostname checks, or trust in any certificate. Loads the trust store: call once, at start-up.
     */
    static SslContext tlsContext(boolean verify) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).sessionCacheSize(1)
                .endpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        if (!verify) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    /**
     * A short reason for a failed TLS handshake, read from {@code failure} and its causes:
     * certificate not trusted, expired or not yet valid, hostname mismatch, an alert from the
     * server, or the first line of the message.
     */
    static String tlsReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateExpiredException) {
                return "certificate expired";
            } else if (t instanceof CertificateNotYetValidException) {
                return "certificate not yet valid";
            } else if (t instanceof CertPathBuilderException
                    || message.contains("unable to find valid certification path")) {
                return "certificate not trusted";
            } else if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return "hostname mismatch (" + message + ")";
            } else if (t instanceof NotSslRecordException) {
                return "server did not answer with TLS";
            } else if (message.startsWith("Received fatal alert: ")) {
                return "server sent alert " + message.substring("Received fatal alert: ".length());
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getMessage().lines().findFirst().orElse("");
        return message.length() > 120 ? message.substring(0, 120) : message;
    }

    private void start(SslContext tls, Request request) {
        socket.exceptionHandler(result::tryFail);
        socket.closeHandler(v -> result.tryFail(new ExchangeFailure(Failure.CONNECTION_RESET, status == 0
                ? "connection closed before response" : "connection closed during response body")));
        socket.messageHandler(this::onMessage);
        if (tls == null) {
            send(request);
        } else {
            handshake(tls, request.uri().getHost()).onSuccess(v -> send(request));
        }
    }

    private Future<Void> handshake(SslContext tls, String uriHost) {
        ChannelHandlerContext vertxHandler = socket.channelHandlerContext();
        String host = uriHost.startsWith("[") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
        // The engine checks the certificate against this peer host; port -1 keeps the session out of the cache.
        SSLEngine engine = tls.newEngine(vertxHandler.alloc(), host, -1);
        if (NameResolver.literal(host) == null) {
            SSLParameters parameters = engine.getSSLParameters();
            String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            parameters.setServerNames(List.of(new SNIHostName(name))); // the JDK skips SNI for dotless names
            engine.setSSLParameters(parameters);
        }
        SslHandler handler = new SslHandler(engine);
        handler.setHandshakeTimeoutMillis(0); // the check's own timer bounds the handshake
        Promise<Void> done = Promise.promise();
        long start = System.nanoTime();
        handler.handshakeFuture().addListener(f -> {
            // Runs on the channel's event loop, the thread of {@code context}, before any error reaches the socket.
            tlsMs = (System.nanoTime() - start) / 1e6;
            context.runOnContext(v -> {
                if (f.isSuccess()) {
                    done.complete();
                } else {
                    result.tryFail(f.cause());
                }
            });
        });
        vertxHandler.pipeline().addFirst("heliograph-tls", handler);
        return done.future();
    }

    private void send(Request request) {
        if (result.future().isComplete()) {
            return;
        }
        ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
        pipeline.addBefore(socket.channelHandlerContext().name(), "heliograph-http", new HttpClientCodec());
        FullHttpRequest netty;
        try {
            netty = toNetty(request);
        } catch (IllegalArgumentException e) { // a header Netty refuses to send
            result.tryFail(new ExchangeFailure(Failure.INVALID_SPEC, "invalid request: " + e.getMessage()));
            return;
        }
        sentNanos = System.nanoTime();
        socket.writeMessage(netty).onFailure(result::tryFail);
    }

    private static FullHttpRequest toNetty(Request request) {
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        ByteBuf content = request.body() == null ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(request.body(), StandardCharsets.UTF_8);
        FullHttpRequest netty = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                target, content);
        HttpHeaders headers = netty.headers();
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        headers.set(HttpHeaderNames.HOST, defaultPort ? uri.getHost() : uri.getHost() + ":" + port);
        headers.set(HttpHeaderNames.USER_AGENT, "Heliograph/0.1");
        headers.set(HttpHeaderNames.CONNECTION, "close");
        request.headers().forEach(headers::set);
        if (request.body() != null) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        }
        return netty;
    }

    private void onMessage(Object message) {
        try {
            if (result.future().isComplete() || !(message instanceof HttpObject object)) {
                return;
            }
            if (ttfbMs == 0) {
                ttfbMs = (System.nanoTime() - sentNanos) / 1e6;
            }
            if (object.decoderResult().isFailure()) {
                result.tryFail(new ExchangeFailure(Failure.INVALID_RESPONSE, "invalid response: " + object.decoderResult().cause().getMessage()));
                return;
            }
            if (object instanceof HttpResponse response) {
                onHead(response);
            }
            if (object instanceof HttpContent content) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onHead(HttpResponse response) {
        int code = response.status().code();
        // 1xx answers (100 Continue, 103 Early Hints) precede the real one (RFC 9110 §15.2).
        informational = code >= 100 && code < 200 && code != 101;
        if (!informational) {
            status = code;
            location = response.headers().get(HttpHeaderNames.LOCATION);
        }
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (informational) {
            informational = !last;
            return;
        }
        ByteBuf data = content.content();
        byte[] chunk = new byte[Math.min(data.readableBytes(), BODY_LIMIT - body.size())];
        data.readBytes(chunk);
        body.writeBytes(chunk);
        if (last || body.size() >= BODY_LIMIT) {
            result.tryComplete(new Response(status, location, body.toByteArray()));
        }
    }
}
