package dev.heliograph.controlplane.tls;

import java.math.BigInteger;
import dev.heliograph.probe.net.NameResolver;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The control plane's own certificate authority (RFC 5280 profile): an EC P-256 key and a
 * self-signed certificate valid {@value #CA_YEARS} years with {@code basicConstraints} CA (path
 * length 0) and {@code keyUsage} keyCertSign and cRLSign. It issues the agent server's certificate:
 * EC P-256, valid {@value #SERVER_DAYS} days, {@code extendedKeyUsage} serverAuth, the given names as
 * DNS or IP subject alternative names. Keys and signatures come from the JDK's providers; BouncyCastle
 * only builds the certificates.
 *
 * @param certificate the CA's certificate
 * @param key         the CA's private key (a secret)
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    /** Validity of the CA certificate, years. */
    /** Names the certificate only, never the key. */
    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal() + "]";
    }

    public static final int CA_YEARS = 10;
    /** Validity of a server certificate, days. */
    public static final int SERVER_DAYS = 365;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    /** A new CA whose validity starts now (backdated 5 minutes for clock skew). */
    public static CertificateAuthority create(Clock clock) throws GeneralSecurityException {
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        X500Name name = new X500Name("CN=Heliograph agent CA " + HexFormat.of().formatHex(randomBytes(4)) + ",O=Heliograph");
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(Duration.ofDays(365L * CA_YEARS))), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot build the CA certificate", e);
        }
    }

    /**
     * A server certificate for {@code names} (host names or IP literals, at least one), signed by this
     * CA, valid from now for {@value #SERVER_DAYS} days (never beyond the CA's own expiry).
     */
    public Issued issueServer(Collection<String> names, Clock clock) throws GeneralSecurityException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        Instant notAfter = now.plus(Duration.ofDays(SERVER_DAYS));
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            alternatives.add(NameResolver.literal(name) != null ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), new X500Name("CN=" + names.iterator().next()),
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            return new Issued(sign(builder, key), pair.getPrivate());
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot build the server certificate", e);
        }
    }

    /** A certificate issued by the CA, with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** Names the certificate only, never the key. */
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal() + "]";
        }

    }

    /** Lowercase hex SHA-256 of {@code certificate}'s DER encoding, 64 characters. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /**
     * The DNS and IP subject alternative names of {@code certificate}, IP addresses normalised by
     * {@link InetAddress}; empty when it has none.
     */
    public static Set<String> subjectAlternativeNames(X509Certificate certificate) throws GeneralSecurityException {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
        if (entries != null) {
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                    names.add(normalised((String) entry.get(1)));
                }
            }
        }
        return names;
    }

    /** {@code name} lower-cased, or the canonical text of an IP literal (parsed by {@link NameResolver#literal}, never looked up). */
    public static String normalised(String name) {
        InetAddress literal = NameResolver.literal(name);
        return literal != null ? literal.getHostAddress() : name.toLowerCase(java.util.Locale.ROOT);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a certificate", e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A positive 127-bit serial number (RFC 5280 §4.1.2.2: at most 20 octets, unpredictable). */
    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16)).shiftRight(1).add(BigInteger.ONE);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
