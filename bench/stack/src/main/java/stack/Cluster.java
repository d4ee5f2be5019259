package stack;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Two columns of clusterfn's own cluster table. */
@Entity
@Table(name = "cluster")
public class Cluster {
    @Id
    public String id;
    public String name;
}
