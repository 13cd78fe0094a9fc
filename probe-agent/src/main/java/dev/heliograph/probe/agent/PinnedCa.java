package dev.heliograph.probe.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CA this agent trusts for its control plane (pinning): received in the registration answer,
 * kept as {@code <data-dir>/ca.pem} (mode 0600), and from then on the only trust anchor of every
 * connection to the agent server. File methods block: call them off the event loop.
 *
 * @param pem         the CA certificate, PEM
 * @param certificate the parsed certificate
 * @param fingerprint lowercase hex SHA-256 of its DER encoding, 64 characters
 */
public record PinnedCa(String pem, X509Certificate certificate, String fingerprint) {
    /** File name in the data directory. */
    public static final String FILE = "ca.pem";

    /** The first certificate in {@code pem}; throws {@link CertificateException} when there is none or it is not a CA (RFC 5280 §4.2.1.9). */
    public static PinnedCa parse(String pem) throws CertificateException {
        if (pem == null || pem.isBlank()) {
            throw new CertificateException("no CA certificate");
        }
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        return of(certificate);
    }

    /**
     * {@code certificate} as the pinned CA, kept as PEM of that one certificate only (so nothing else
     * that came along is ever trusted); throws {@link CertificateException} when it is not a CA.
     */
    public static PinnedCa of(X509Certificate certificate) throws CertificateException {
        if (certificate.getBasicConstraints() < 0) {
            throw new CertificateException("the certificate is not a CA certificate");
        }
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return new PinnedCa(pem, certificate, fingerprint(certificate));
    }

    /**
     * Whether {@code server} (a server's own certificate) names {@code host} in its subject
     * alternative names: an IP address literal among the IP entries, a DNS name among the DNS entries
     * (any case; a leading {@code *.} matches exactly one label), per RFC 6125 §6.4.
     */
    public static boolean names(Certificate server, String host) {
        if (!(server instanceof X509Certificate x509) || host == null) {
            return false;
        }
        String wanted = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        java.net.InetAddress literal = ipLiteral(wanted);
        try {
            java.util.Collection<List<?>> names = x509.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                String value = String.valueOf(name.get(1));
                if (type == 7 && literal != null && literal.equals(ipLiteral(value))) {
                    return true;
                }
                if (type == 2 && literal == null && dnsMatches(value, wanted)) {
                    return true;
                }
            }
            return false;
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(java.util.Locale.ROOT);
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return p.equals(h);
    }

    /** The address {@code text} is a literal of, or {@code null} for a name (never a DNS look-up). */
    private static java.net.InetAddress ipLiteral(String text) {
        return dev.heliograph.probe.net.NameResolver.literal(text);
    }

    /** The CA saved in {@code dataDir}, or empty; throws {@link IOException} when it is unreadable or malformed. */
    public static Optional<PinnedCa> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.notExists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IOException(file + " is malformed (" + e.getMessage() + ")", e);
        }
    }

    /** Saves the CA to {@code dataDir} atomically: a temporary file created with mode 0600, synced, moved over {@value #FILE}. */
    public void save(Path dataDir) throws IOException {
        Path temp = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        AgentIdentity.moveAtomically(temp, dataDir.resolve(FILE));
    }

    /** Lowercase hex SHA-256 of {@code certificate}'s DER encoding. */
    public static String fingerprint(Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /**
     * Whether {@code presented} (a server's chain, its own certificate first) validates up to this CA
     * by PKIX (RFC 5280 §6; no revocation checking). Copies of the CA certificate in the chain are ignored.
     */
    public boolean issued(List<? extends Certificate> presented) {
        List<Certificate> path = new ArrayList<>();
        for (Certificate c : presented) {
            if (!fingerprint(c).equals(fingerprint)) {
                path.add(c);
            }
        }
        if (path.isEmpty()) {
            return false;
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(certificate, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * {@code text} as a fingerprint: 64 hex digits, optionally prefixed {@code sha256:} and separated by
     * colons, any case; throws {@link IllegalArgumentException} otherwise.
     */
    public static String normaliseFingerprint(String text) {
        String hex = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (hex.startsWith("sha256:")) {
            hex = hex.substring("sha256:".length());
        }
        hex = hex.replace(":", "");
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("CA fingerprint must be 64 hex digits (SHA-256), optionally prefixed sha256:");
        }
        return hex;
    }
}
