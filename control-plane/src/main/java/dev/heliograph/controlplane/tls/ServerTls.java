package dev.heliograph.controlplane.tls;

import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent server's TLS material (and the API's when {@code tls.api} is on), from
 * {@link HeliographConfig.Tls}. Self-signed mode keeps a {@link CertificateAuthority} and a server
 * certificate in {@code tls.dir} ({@value #CA_FILE}, {@value #CA_KEY_FILE}, {@value #SERVER_FILE},
 * {@value #SERVER_KEY_FILE}, each mode 0600 in a 0700 directory), creating the CA on first start and
 * re-issuing the server certificate with the same CA when it is missing, expires within
 * {@value #RENEW_BEFORE_DAYS} days, was not issued by the CA or names other hosts than
 * {@code tls.server_names} (plus this host's name); agents pinned to the CA keep working. Custom mode
 * loads the operator's files and checks that key and certificate match and the CA issued the
 * certificate. Servers speak TLS 1.3 only (RFC 8446) and present the server certificate followed by
 * the CA certificate, so that an agent can check the CA's fingerprint before it sends its token.
 * Loading blocks (file I/O, key generation): call it off the event loop.
 *
 * @param chainPem      the server certificate (and any intermediates) followed by the CA certificate, PEM
 * @param keyPem        the server's private key, PEM (a secret)
 * @param caPem         the CA certificate agents pin, PEM
 * @param caFingerprint lowercase hex SHA-256 of the CA certificate's DER, 64 characters
 * @param serverExpiry  when the server certificate expires
 */
public record ServerTls(String chainPem, String keyPem, String caPem, String caFingerprint, Instant serverExpiry) {
    /** The only protocol the servers accept. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.3");
    /** File names in {@code tls.dir}. */
    public static final String CA_FILE = "ca.pem";
    public static final String CA_KEY_FILE = "ca-key.pem";
    public static final String SERVER_FILE = "server.pem";
    public static final String SERVER_KEY_FILE = "server-key.pem";
    /** A self-signed server certificate is re-issued when it expires within this many days. */
    public static final int RENEW_BEFORE_DAYS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** The material {@code config} describes, creating or re-issuing self-signed files as needed. */
    public static ServerTls load(HeliographConfig.Tls config, Clock clock) throws TlsSetupException {
        return HeliographConfig.Tls.CUSTOM.equals(config.mode()) ? custom(config) : selfSigned(config, clock, false);
    }

    /**
     * Re-issues the self-signed server certificate with the existing CA (creating both when there is
     * none yet), whatever its state; fails in custom mode. Agents need not register again.
     */
    public static ServerTls rotate(HeliographConfig.Tls config, Clock clock) throws TlsSetupException {
        if (HeliographConfig.Tls.CUSTOM.equals(config.mode())) {
            throw new TlsSetupException("tls.mode is custom: replace tls.cert_file and tls.key_file instead and restart");
        }
        return selfSigned(config, clock, true);
    }

    /** Applies this material to {@code options}: TLS on, TLS 1.3 only, this certificate and key. */
    public HttpServerOptions secure(HttpServerOptions options) {
        return options.setSsl(true).setEnabledSecureTransportProtocols(PROTOCOLS)
                .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(chainPem)).setKeyValue(Buffer.buffer(keyPem)));
    }

    /** Without the key. */
    @Override
    public String toString() {
        return "ServerTls[caFingerprint=" + caFingerprint + ", serverExpiry=" + serverExpiry + "]";
    }

    /** {@code tls.server_names} plus this host's name, normalised, in order. */
    static Set<String> serverNames(HeliographConfig.Tls config) {
        Set<String> names = new LinkedHashSet<>();
        config.serverNames().forEach(name -> names.add(CertificateAuthority.normalised(name.trim())));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!host.isBlank()) {
                names.add(CertificateAuthority.normalised(host));
            }
        } catch (UnknownHostException e) {
            // no host name to add
        }
        return names;
    }

    private static ServerTls selfSigned(HeliographConfig.Tls config, Clock clock, boolean reissue) throws TlsSetupException {
        Path dir = Path.of(config.dir());
        try {
            Pem.createOwnerDir(dir);
            CertificateAuthority ca = authority(dir, clock);
            Set<String> names = serverNames(config);
            X509Certificate server = null;
            PrivateKey serverKey = null;
            String why = "requested";
            if (!reissue) {
                Path certFile = dir.resolve(SERVER_FILE);
                Path keyFile = dir.resolve(SERVER_KEY_FILE);
                if (Files.exists(certFile) && Files.exists(keyFile)) {
                    server = Pem.readCertificates(Files.readString(certFile)).getFirst();
                    serverKey = Pem.readPrivateKey(Files.readString(keyFile));
                    why = staleness(server, serverKey, ca, names, clock);
                } else {
                    why = "missing";
                }
            }
            if (why != null) {
                CertificateAuthority.Issued issued = ca.issueServer(names, clock);
                server = issued.certificate();
                serverKey = issued.key();
                Pem.writeOwnerOnly(dir.resolve(SERVER_KEY_FILE), Pem.privateKey(serverKey));
                Pem.writeOwnerOnly(dir.resolve(SERVER_FILE), Pem.certificates(List.of(server)));
                LOG.info("issued the agent server certificate ({}) for {}, valid until {}", why, names,
                        server.getNotAfter().toInstant());
            }
            return new ServerTls(Pem.certificates(List.of(server, ca.certificate())), Pem.privateKey(serverKey),
                    Pem.certificates(List.of(ca.certificate())), CertificateAuthority.fingerprint(ca.certificate()),
                    server.getNotAfter().toInstant());
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException("tls: cannot set up the self-signed certificates in " + dir.toAbsolutePath() + ": "
                    + e.getMessage() + " (fix or delete the directory; deleting it makes a new CA, so agents must register again)");
        }
    }

    /** The CA in {@code dir}, created when neither of its files exists. */
    private static CertificateAuthority authority(Path dir, Clock clock) throws IOException, GeneralSecurityException {
        Path certFile = dir.resolve(CA_FILE);
        Path keyFile = dir.resolve(CA_KEY_FILE);
        if (Files.notExists(certFile) && Files.notExists(keyFile)) {
            CertificateAuthority ca = CertificateAuthority.create(clock);
            Pem.writeOwnerOnly(keyFile, Pem.privateKey(ca.key()));
            Pem.writeOwnerOnly(certFile, Pem.certificates(List.of(ca.certificate())));
            LOG.info("created the agent server CA in {} (sha256:{})", dir.toAbsolutePath(), CertificateAuthority.fingerprint(ca.certificate()));
            return ca;
        }
        X509Certificate certificate = Pem.readCertificates(Files.readString(certFile)).getFirst();
        PrivateKey key = Pem.readPrivateKey(Files.readString(keyFile));
        if (!matches(certificate, key)) {
            throw new GeneralSecurityException(CA_KEY_FILE + " is not the key of " + CA_FILE);
        }
        return new CertificateAuthority(certificate, key);
    }

    /** Why the server certificate must be re-issued, or {@code null} when it is fine. */
    private static String staleness(X509Certificate server, PrivateKey key, CertificateAuthority ca, Set<String> names, Clock clock)
            throws GeneralSecurityException {
        if (!matches(server, key)) {
            return "key mismatch";
        }
        try {
            server.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return "not issued by the CA";
        }
        if (server.getNotAfter().toInstant().isBefore(clock.instant().plus(Duration.ofDays(RENEW_BEFORE_DAYS)))) {
            return "expires within " + RENEW_BEFORE_DAYS + " days";
        }
        if (!CertificateAuthority.subjectAlternativeNames(server).equals(names)) {
            return "server names changed";
        }
        return null;
    }

    private static ServerTls custom(HeliographConfig.Tls config) throws TlsSetupException {
        List<X509Certificate> chain = certificates("tls.cert_file", config.certFile());
        List<X509Certificate> cas = certificates("tls.ca_file", config.caFile());
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(Files.readString(Path.of(config.keyFile())));
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException("tls.key_file " + config.keyFile() + " is not a readable PEM private key: " + e.getMessage());
        }
        X509Certificate server = chain.getFirst();
        X509Certificate ca = cas.getFirst();
        try {
            if (!matches(server, key)) {
                throw new TlsSetupException("tls.key_file " + config.keyFile() + " is not the key of the certificate in tls.cert_file "
                        + config.certFile());
            }
            X509Certificate issuer = chain.size() > 1 ? chain.get(1) : ca;
            server.verify(issuer.getPublicKey());
            if (chain.size() > 1) {
                chain.getLast().verify(ca.getPublicKey());
            }
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("tls.cert_file " + config.certFile() + " was not issued by the CA in tls.ca_file "
                    + config.caFile() + ": " + e.getMessage());
        }
        List<X509Certificate> served = new ArrayList<>(chain);
        if (!served.getLast().equals(ca)) {
            served.add(ca);
        }
        return new ServerTls(Pem.certificates(served), Pem.privateKey(key), Pem.certificates(List.of(ca)),
                CertificateAuthority.fingerprint(ca), server.getNotAfter().toInstant());
    }

    private static List<X509Certificate> certificates(String key, String file) throws TlsSetupException {
        try {
            return Pem.readCertificates(Files.readString(Path.of(file)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsSetupException(key + " " + file + " is not a readable PEM certificate: " + e.getMessage());
        }
    }

    /** Whether {@code key} is the private key of {@code certificate}: it signs a random challenge the certificate's key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
