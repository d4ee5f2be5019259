package io.clusterfn.http;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of the API's value types (spec: Values), each failure naming its field. */
public final class Fields {
    // Accounts and ids are checked on every call: by hand, a regular expression was a visible share of it.
    private static final String ACCOUNT_PUNCTUATION = "._:@-";
    private static final Pattern SALT = Pattern.compile("[A-Za-z0-9._:-]{0,64}");

    private Fields() {
    }

    /** 1..64 characters of [A-Za-z0-9._:@-]. */
    public static boolean isAccount(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ACCOUNT_PUNCTUATION.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    public static String account(String field, String value) {
        if (!isAccount(require(field, value))) {
            throw ApiException.invalidInput(field, "must be 1..64 characters of [A-Za-z0-9._:@-]");
        }
        return value;
    }

    /** An id as the service writes it: 0x and 64 lower-case hex digits. */
    public static boolean isHexId(String value) {
        return isHex(value, false);
    }

    /** 0x and 64 hex digits; upper-case digits only if {@code anyCase}. */
    private static boolean isHex(String value, boolean anyCase) {
        if (value == null || value.length() != 66 || value.charAt(0) != '0' || value.charAt(1) != 'x') {
            return false;
        }
        for (int i = 2; i < 66; i++) {
            char c = value.charAt(i);
            if (!HexFormat.isHexDigit(c) || !anyCase && c >= 'A' && c <= 'F') {
                return false;
            }
        }
        return true;
    }

    /** A 0x-prefixed 32-byte hex id (worker, cluster, contract, code hash), lower-cased. */
    public static String hexId(String field, String value) {
        if (!isHex(require(field, value), true)) {
            throw ApiException.invalidInput(field, "must be 0x followed by 64 hex digits");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    public static String salt(String value) {
        if (value == null) {
            return "";
        }
        if (!SALT.matcher(value).matches()) {
            throw ApiException.invalidInput("salt", "must be 0..64 characters of [A-Za-z0-9._:-]");
        }
        return value;
    }

    public static String text(String field, String value, int maxLength) {
        require(field, value);
        if (value.isBlank() || value.length() > maxLength) {
            throw ApiException.invalidInput(field, "must be 1.." + maxLength + " characters");
        }
        return value;
    }

    public static long count(String field, Long value, long min, long max) {
        if (value == null) {
            throw ApiException.invalidInput(field, "is required");
        }
        if (value < min || value > max) {
            throw ApiException.invalidInput(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    public static Map<String, String> attributes(Map<String, String> value) {
        if (value == null) {
            return Map.of();
        }
        if (value.size() > 16) {
            throw ApiException.invalidInput("attributes", "holds at most 16 values");
        }
        value.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > 64 || v == null || v.length() > 256) {
                throw ApiException.invalidInput("attributes", "keys are 1..64 characters, values 0..256 characters");
            }
        });
        return value;
    }

    /** An optional choice among named values (a listing's filter): the value, or null if absent. */
    public static String oneOf(String field, String value, String... allowed) {
        if (value == null || Arrays.asList(allowed).contains(value)) {
            return value;
        }
        String last = allowed[allowed.length - 1];
        String others = String.join(", ", Arrays.copyOf(allowed, allowed.length - 1));
        throw ApiException.invalidInput(field, "must be " + (others.isEmpty() ? last : others + " or " + last));
    }

    public static <T> T require(String field, T value) {
        if (value == null) {
            throw ApiException.invalidInput(field, "is required");
        }
        return value;
    }
}
