package io.clusterfn.access;

import java.math.BigInteger;

/** What a deployer pays (L2): a fee to the treasury and a refundable deposit per byte of code. */
public record Pricing(String deployFee, String depositPerByte) {
    public static Pricing free() {
        return new Pricing("0", "0");
    }

    public BigInteger fee() {
        return new BigInteger(deployFee);
    }

    public BigInteger deposit(long codeSize) {
        return new BigInteger(depositPerByte).multiply(BigInteger.valueOf(codeSize));
    }
}
