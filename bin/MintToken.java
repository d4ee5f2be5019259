import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Mints an RS256 token for local use, signed with the embedded default's key
 * (.clusterfn/jwt/private.pem). Usage: java bin/MintToken.java ACCOUNT [ROLE...]
 * Options (environment): CLUSTERFN_KEY (private key PEM), CLUSTERFN_ISSUER, CLUSTERFN_TTL_SECONDS.
 */
public class MintToken {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java bin/MintToken.java ACCOUNT [admin|operator|scheduler ...]");
            System.exit(2);
        }
        String keyFile = env("CLUSTERFN_KEY", ".clusterfn/jwt/private.pem");
        String issuer = env("CLUSTERFN_ISSUER", "https://clusterfn.local");
        long ttl = Long.parseLong(env("CLUSTERFN_TTL_SECONDS", "3600"));

        String pem = Files.readString(Path.of(keyFile)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));

        List<String> groups = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            groups.add("\"" + args[i] + "\"");
        }
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + args[0] + "\",\"upn\":\"" + args[0]
                + "\",\"groups\":[" + String.join(",", groups) + "],\"iat\":" + now + ",\"exp\":" + (now + ttl) + "}";
        String unsigned = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        System.out.println(unsigned + "." + b64(signer.sign()));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
