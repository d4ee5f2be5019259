package io.clusterfn.http;

/** The input of a read by id ({@code cluster?id=}, {@code contract?id=}). */
public record IdQuery(String id) {
}
