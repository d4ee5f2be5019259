package stack;

import io.quarkus.funqy.Funq;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** One function: a page of cluster names, read through a Panache repository on a Vert.x context. */
public class Clusters {
    @ApplicationScoped
    public static class Repository implements PanacheRepositoryBase<Cluster, String> {
    }

    private final Repository repository;

    public Clusters(Repository repository) {
        this.repository = repository;
    }

    @Funq
    public List<String> clusters() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> repository.find("order by id").page(0, 50).list()
                        .map(page -> page.stream().map(c -> c.name).toList())));
    }
}
