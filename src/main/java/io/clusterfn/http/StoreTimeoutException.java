package io.clusterfn.http;

/** A store call ran out of its time: the store is frozen, partitioned or overloaded. */
public class StoreTimeoutException extends RuntimeException {
    public StoreTimeoutException() {
        super("the store did not answer in time", null, false, false);
    }
}
