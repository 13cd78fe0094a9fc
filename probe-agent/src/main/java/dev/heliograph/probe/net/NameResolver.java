package dev.heliograph.probe.net;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import io.netty.util.NetUtil;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Resolves host names to one address with dnsjava ({@code /etc/hosts} first, then the system's
 * resolvers), asynchronously, behind a Caffeine cache whose entries live as long as the answer's
 * TTL clamped to [{@code minTtl}, {@code maxTtl}]. Concurrent look-ups of one name share one query.
 * IP literals (with or without IPv6 brackets) are returned without a query. IPv4 is preferred;
 * AAAA is asked only when a name has no A record. Failures are cached too, so a dead name does not
 * cost a query per check: a missing name or address for {@code minTtl}, a timeout or server
 * failure for {@link #FAILURE_TTL}.
 */
public final class NameResolver {
    /** How long a timeout or server failure is remembered. */
    public static final Duration FAILURE_TTL = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final LookupSession session;
    private final AsyncCache<String, Answer> cache;
    private final Duration minTtl;
    private final Duration maxTtl;

    /**
     * A resolver that asks the system's name servers ({@code /etc/resolv.conf}).
     *
     * @param timeout how long one query may wait for the resolvers before it fails with
     *                {@link ResolutionException.Reason#TIMEOUT}
     * @param minTtl  shortest time an answer stays cached (also used for hosts-file answers)
     * @param maxTtl  longest time an answer stays cached
     * @param maxEntries most cached names
     */
    public NameResolver(Vertx vertx, Duration timeout, Duration minTtl, Duration maxTtl, long maxEntries) {
        this(vertx, new ExtendedResolver(), timeout, minTtl, maxTtl, maxEntries);
    }

    /** A resolver that asks {@code servers} (host file first); the other parameters as above. */
    public NameResolver(Vertx vertx, List<InetSocketAddress> servers, Duration timeout, Duration minTtl, Duration maxTtl,
                        long maxEntries) {
        this(vertx, new ExtendedResolver(servers.stream().<Resolver>map(SimpleResolver::new).toList()), timeout, minTtl, maxTtl,
                maxEntries);
    }

    private NameResolver(Vertx vertx, ExtendedResolver resolver, Duration timeout, Duration minTtl, Duration maxTtl,
                         long maxEntries) {
        this.vertx = vertx;
        this.minTtl = minTtl;
        this.maxTtl = maxTtl;
        // ExtendedResolver's own timeout does not reach the resolvers it wraps (they keep dnsjava's
        // 10 s default), so every one gets the configured timeout.
        resolver.setTimeout(timeout);
        for (Resolver each : resolver.getResolvers()) {
            each.setTimeout(timeout);
        }
        resolver.setRetries(1);
        this.session = LookupSession.defaultBuilder().resolver(resolver).clearCaches().build();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.<String, Answer>creating((key, answer) -> answer.ttl()))
                .buildAsync();
    }

    /**
     * The address of {@code host}. Fails with {@link ResolutionException} when the name does not
     * exist, has no address, or the resolvers failed or timed out. Completes on the caller's
     * Vert.x context.
     */
    public Future<InetAddress> resolve(String host) {
        String name = stripBrackets(host).toLowerCase(Locale.ROOT);
        InetAddress literal = literal(name);
        if (literal != null) {
            return Future.succeededFuture(literal);
        }
        CompletableFuture<Answer> answer = cache.get(name, (key, executor) -> lookup(key)
                .handle((found, error) -> error == null ? found : failed(classify(error))));
        return Future.fromCompletionStage(answer, vertx.getOrCreateContext())
                .compose(found -> found.failure() == null
                        ? Future.succeededFuture(found.address())
                        : Future.failedFuture(found.failure()));
    }

    private Answer failed(ResolutionException failure) {
        boolean definite = failure.reason() == ResolutionException.Reason.NO_SUCH_HOST
                || failure.reason() == ResolutionException.Reason.NO_ADDRESS;
        return new Answer(null, failure, definite ? minTtl : FAILURE_TTL);
    }

    /**
     * The address itself when {@code host} is an IPv4 or IPv6 literal, otherwise {@code null}.
     * Parsed by Netty without any resolver: {@code InetAddress.getByName} would send a name that
     * only looks like an address ({@code 999.1.1.1}) to the system resolver, blocking the caller.
     */
    public static InetAddress literal(String host) {
        String text = stripBrackets(host);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        try {
            if (bytes != null) {
                return InetAddress.getByAddress(bytes);
            }
            // Netty skips some mixed IPv6 forms (64:ff9b::10.0.0.1); in brackets the JDK parses
            // them as literals and never asks a resolver.
            return text.indexOf(':') >= 0 ? InetAddress.getByName("[" + text + "]") : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private CompletableFuture<Answer> lookup(String host) {
        Name name;
        try {
            name = Name.fromString(host.endsWith(".") ? host : host + ".");
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(
                    new ResolutionException(ResolutionException.Reason.NO_SUCH_HOST, "invalid host name " + host, e));
        }
        return session.lookupAsync(name, Type.A)
                .thenApply(this::toAnswer)
                .exceptionallyCompose(error -> unwrap(error) instanceof NoSuchRRSetException
                        ? session.lookupAsync(name, Type.AAAA).thenApply(this::toAnswer)
                        : CompletableFuture.failedStage(error))
                .toCompletableFuture();
    }

    private Answer toAnswer(LookupResult result) {
        List<Record> records = result.getRecords();
        for (Record record : records) {
            InetAddress address = switch (record) {
                case ARecord a -> a.getAddress();
                case AAAARecord aaaa -> aaaa.getAddress();
                default -> null;
            };
            if (address != null) {
                return new Answer(address, null, clamp(Duration.ofSeconds(record.getTTL())));
            }
        }
        throw new CompletionException(new NoSuchRRSetException(records.isEmpty() ? null : records.getFirst().getName(), Type.A));
    }

    private Duration clamp(Duration ttl) {
        if (ttl.compareTo(minTtl) < 0) {
            return minTtl;
        }
        return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    }

    private static ResolutionException classify(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ResolutionException known) {
            return known;
        }
        ResolutionException.Reason reason;
        String message;
        if (cause instanceof NoSuchDomainException) {
            reason = ResolutionException.Reason.NO_SUCH_HOST;
            message = "no such host";
        } else if (cause instanceof NoSuchRRSetException) {
            reason = ResolutionException.Reason.NO_ADDRESS;
            message = "host has no address record";
        } else if (isTimeout(cause)) {
            reason = ResolutionException.Reason.TIMEOUT;
            message = "resolver timed out";
        } else {
            reason = ResolutionException.Reason.SERVER_FAILURE;
            message = "resolver failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        }
        return new ResolutionException(reason, message, cause);
    }

    /**
     * dnsjava reports a resolver that never answered as a plain {@link java.io.IOException}
     * ("Timed out while trying to resolve ..."), sometimes wrapping a timeout exception.
     */
    private static boolean isTimeout(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
                    || (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().startsWith("Timed out"))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Either an address or a failure, cached for {@code ttl}. */
    private record Answer(InetAddress address, ResolutionException failure, Duration ttl) {
    }
}
