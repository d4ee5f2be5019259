import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * Starts the embedded PostgreSQL server for the benchmark and keeps it until this process is
 * stopped. Usage: java -cp CLASSPATH bench/StartPostgres.java DATA_DIR PORT
 */
public class StartPostgres {
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0]))
                .setCleanDataDirectory(false).setPort(Integer.parseInt(args[1])).start();
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
