package io.clusterfn.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** A page of a list answer; {@code next} is an opaque cursor, absent on the last page. */
public record Page<T>(List<T> items, String next) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final String PREFIX = "after:";

    public static int limit(Long limit) {
        return limit == null ? DEFAULT_LIMIT : (int) Fields.count("limit", limit, 1, MAX_LIMIT);
    }

    /** The page of {@code limit} items out of up to {@code limit + 1} fetched: one more means there is a next page. */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> key) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, cursor(key.apply(items.get(limit - 1))));
    }

    public <U> Page<U> map(Function<T, U> f) {
        return new Page<>(items.stream().map(f).toList(), next);
    }

    public static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a cursor stands for (null without one); a cursor this service did not make is INVALID_INPUT. */
    public static String after(String cursor, Predicate<String> validKey) {
        if (cursor == null) {
            return null;
        }
        String key = null;
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                key = decoded.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below
        }
        if (key == null || !validKey.test(key)) {
            throw ApiException.invalidInput("cursor", "is not a cursor this service made: pass the next of a previous page");
        }
        return key;
    }
}
