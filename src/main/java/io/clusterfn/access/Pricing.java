package io.clusterfn.access;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;

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
        BigInteger deposit = new BigInteger(depositPerByte).multiply(BigInteger.valueOf(codeSize));
        if (deposit.compareTo(Amounts.MAX) > 0) {
            throw ApiException.invalidInput("codeSize", "the deposit for " + codeSize + " bytes at " + depositPerByte
                    + " per byte is over the largest amount, 10^30");
        }
        return deposit;
    }
}
