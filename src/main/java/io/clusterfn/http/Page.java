package io.clusterfn.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** A page of a list answer; {@code next} is an opaque cursor, absent on the last page. */
public record Page<T>(List<T> items, String next) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static int limit(Long limit) {
        return limit == null ? DEFAULT_LIMIT : (int) Fields.count("limit", limit, 1, MAX_LIMIT);
    }

    public static String encodeCursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a cursor stands for; a cursor we did not make is INVALID_INPUT. */
    public static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (key.length() > 200) {
                throw new IllegalArgumentException();
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidInput("cursor", "is not a cursor this service made");
        }
    }
}
