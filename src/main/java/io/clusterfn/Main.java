package io.clusterfn;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.ServiceLoader;

/**
 * Starts clusterfn. In a JVM build with no datasource configured, a local store (the embedded
 * PostgreSQL) is started first; native images carry no local store and always use a configured one.
 */
@QuarkusMain
public class Main {
    public static void main(String... args) {
        ServiceLoader.load(LocalStore.class).findFirst().ifPresent(LocalStore::startIfUnconfigured);
        Quarkus.run(args);
    }
}
