import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints one of clusterfn's SQL statements, read from the built application, as a pgbench script
 * with its parameters bound: bench/load.sh runs it with pgbench to measure what the store alone
 * can serve of that statement, the ceiling of the function that sends it.
 *
 * <pre>
 * java bench/load/Statement.java QUARKUS_APP_DIR CLASS#FIELD PARAM...
 * </pre>
 *
 * Each PARAM binds $1, $2, ... in order: {@code null} is SQL NULL, a whole number stays a
 * number, anything else becomes a string literal.
 */
public class Statement {
    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        List<URL> jars = new ArrayList<>();
        for (String dir : List.of("app", "lib/main")) {
            try (var files = Files.list(app.resolve(dir))) {
                for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    jars.add(jar.toUri().toURL());
                }
            }
        }
        String[] target = args[1].split("#");
        try (URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), null)) {
            Field field = Class.forName(target[0], false, loader).getDeclaredField(target[1]);
            field.setAccessible(true);
            String sql = (String) field.get(null);
            Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
            StringBuilder bound = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(bound, Matcher.quoteReplacement(literal(args[1 + Integer.parseInt(m.group(1))])));
            }
            m.appendTail(bound);
            // pgbench takes one statement per line
            System.out.println(bound.toString().replaceAll("--[^\n]*", "").replaceAll("\\s+", " ").trim() + ";");
        }
    }

    private static String literal(String value) {
        if (value.equals("null")) {
            return "NULL";
        }
        if (value.matches("-?\\d+")) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
