package io.nasspark.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable content hashes: the same text gives the same id on every machine and JVM. */
public final class Hashing {

    private static final int ID_BYTES = 16;

    private Hashing() {}

    /**
     * The first 128 bits of SHA-256 over the parts joined by newlines, as 32 lower-case hex
     * characters. 128 bits keeps the chance of any collision among a billion ids below 1e-20.
     */
    public static String id128(String... parts) {
        MessageDigest sha = sha256();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sha.update((byte) '\n');
            }
            sha.update(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        byte[] digest = sha.digest();
        return HexFormat.of().formatHex(digest, 0, ID_BYTES);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform ships SHA-256", e);
        }
    }
}
