package io.clusterfn.access;

import io.clusterfn.http.Amounts;

import java.math.BigInteger;

/** What a deployer pays (L2): a fee to the treasury and a refundable deposit per byte of code. */
public record Pricing(String deployFee, String depositPerByte) {
    public static Pricing free() {
        return new Pricing("0", "0");
    }

    public BigInteger fee() {
        return new BigInteger(deployFee);
    }

    /** depositPerByte × codeSize; a code so large that this is over the largest amount cannot be deployed here. */
    public BigInteger deposit(long codeSize) {
        return Amounts.requireWithinMax("codeSize", new BigInteger(depositPerByte).multiply(BigInteger.valueOf(codeSize)),
                "the deposit for " + codeSize + " bytes at " + depositPerByte + " per byte");
    }
}
