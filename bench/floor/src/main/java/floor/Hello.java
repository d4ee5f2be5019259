package floor;

import io.quarkus.funqy.Funq;

public class Hello {
    @Funq
    public String hello() {
        return "hello";
    }
}
