import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * Starts the one PostgreSQL server of the startup benchmark and keeps it until this process is
 * stopped (SIGTERM stops the server too). Prints "ready PORT" once it accepts connections.
 * Usage: java -cp CLASSPATH bench/pg/StartPostgres.java DATA_DIR PORT [SETTING=VALUE ...]
 * (extra server settings, e.g. shared_preload_libraries=pg_stat_statements for bench/load.sh).
 */
public class StartPostgres {
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(Path.of(args[0]))
                .setCleanDataDirectory(true)
                .setPort(Integer.parseInt(args[1]))
                .setServerConfig("max_connections", "200");
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            builder.setServerConfig(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedPostgres postgres = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println("ready " + postgres.getPort());
        Thread.currentThread().join();
    }
}
