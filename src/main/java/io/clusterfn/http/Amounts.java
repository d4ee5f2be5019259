package io.clusterfn.http;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/** Amounts in the smallest unit (1 PHA = 10^12), written in JSON as strings of decimal digits. */
public final class Amounts {
    public static final BigInteger MAX = BigInteger.TEN.pow(30);
    private static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,30}");

    private Amounts() {
    }

    /** Parses a required amount; anything but plain digits up to 10^30 is INVALID_INPUT naming the field. */
    public static BigInteger parse(String field, String value) {
        if (value == null) {
            throw ApiException.invalidInput(field, "is required");
        }
        if (!DIGITS.matcher(value).matches()) {
            throw ApiException.invalidInput(field, "must be a string of decimal digits without leading zeros");
        }
        BigInteger amount = new BigInteger(value);
        if (amount.compareTo(MAX) > 0) {
            throw ApiException.invalidInput(field, "must be at most 10^30");
        }
        return amount;
    }

    /**
     * An amount the service works out from what was asked (a deposit, a prepaid rent): over the
     * largest amount it cannot be moved, and the field that made it so is INVALID_INPUT.
     */
    public static BigInteger requireWithinMax(String field, BigInteger amount, String what) {
        if (amount.compareTo(MAX) > 0) {
            throw ApiException.invalidInput(field, what + " is over the largest amount, 10^30");
        }
        return amount;
    }

    public static BigInteger parseOrZero(String field, String value) {
        return value == null ? BigInteger.ZERO : parse(field, value);
    }

    public static String format(BigInteger amount) {
        return amount.toString();
    }

    /** An amount read from a numeric column (the store answers BigDecimal); absent is zero. */
    public static BigInteger fromColumn(Object value) {
        if (value == null) {
            return BigInteger.ZERO;
        }
        return value instanceof BigDecimal d ? d.toBigIntegerExact() : new BigDecimal(value.toString()).toBigIntegerExact();
    }
}
