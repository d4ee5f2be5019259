package point;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The floors of bench/load.sh: {@code hello} answers without the store; {@code point} is one
 * primary-key SELECT through the reactive PostgreSQL client (a prepared query on the table
 * bench_point of BENCH_POINT_ROWS rows that the benchmark creates), the least a read can cost.
 */
public class Point {
    private static final int ROWS = Integer.parseInt(System.getenv().getOrDefault("BENCH_POINT_ROWS", "1000"));

    private final Pool pool;

    public Point(Pool pool) {
        this.pool = pool;
    }

    @Funq
    public String hello() {
        return "hello";
    }

    @Funq
    public Uni<String> point() {
        int id = ThreadLocalRandom.current().nextInt(1, ROWS + 1);
        return pool.preparedQuery("SELECT name FROM bench_point WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().next().getString(0));
    }
}
