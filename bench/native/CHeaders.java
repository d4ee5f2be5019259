import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the C headers of the builder's own helper library ("libchelper": CPU features, locale),
 * which a GraalVM distribution ships beside its C libraries and Maven Central does not. The
 * builder compiles small C programs against them to learn struct layouts and constant values
 * (its C annotation processor); these headers are regenerated from the builder's Java
 * declarations of the same structs and constants (@CStruct, @CField, @CConstant), which is all
 * those queries read. Constant values are placeholders: the image is never linked here.
 *
 * Usage: java CHeaders.java OUT_DIR BUILDER_JAR... (writes OUT_DIR/include/*.h)
 */
public class CHeaders {
    private static final Pattern HEADER = Pattern.compile("include/[A-Za-z0-9_]+\\.h");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).resolve("include");
        List<Path> jars = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            jars.add(Path.of(args[i]));
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = jars.get(i).toUri().toURL();
        }
        // directive class -> header, then context class -> header
        Map<String, String> directives = new LinkedHashMap<>();
        Map<String, byte[]> candidates = new LinkedHashMap<>();
        for (Path jar : jars) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (!entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF")) {
                        continue;
                    }
                    byte[] bytes;
                    try (InputStream in = jf.getInputStream(entry)) {
                        bytes = in.readAllBytes();
                    }
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    String name = entry.getName().replace('/', '.').replaceAll("\\.class$", "");
                    if (text.contains("com.oracle.svm.native.libchelper")) {
                        Matcher m = HEADER.matcher(text);
                        if (m.find()) {
                            directives.put(name, m.group());
                        }
                    }
                    if (text.contains("Lorg/graalvm/nativeimage/c/CContext;")) {
                        candidates.put(name, bytes);
                    }
                }
            }
        }
        Map<String, StringBuilder> headers = new TreeMap<>();
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            for (String name : candidates.keySet()) {
                Class<?> c;
                try {
                    c = Class.forName(name, false, loader);
                } catch (Throwable t) {
                    continue;
                }
                String header = headerOf(c, directives);
                if (header != null) {
                    describe(c, headers.computeIfAbsent(header, h -> new StringBuilder()));
                }
            }
        }
        Files.createDirectories(out);
        int constant = 1;
        for (Map.Entry<String, StringBuilder> h : headers.entrySet()) {
            String file = h.getKey().substring("include/".length());
            String guard = "CLUSTERFN_" + file.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
            String body = h.getValue().toString();
            // distinct placeholder values for the constants
            StringBuilder numbered = new StringBuilder();
            for (String line : body.split("\n", -1)) {
                numbered.append(line.contains("@VALUE@") ? line.replace("@VALUE@", Integer.toString(constant++)) : line).append('\n');
            }
            Files.writeString(out.resolve(file), "/* Regenerated from the native-image builder's Java declarations (bench/native/CHeaders.java). */\n"
                    + "#ifndef " + guard + "\n#define " + guard + "\n#include <stddef.h>\n" + numbered.toString().stripTrailing() + "\n#endif\n");
            System.out.println("  " + out.resolve(file));
        }
    }

    /** The libchelper header of a class's @CContext, or of its enclosing class's. */
    private static String headerOf(Class<?> c, Map<String, String> directives) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            Annotation context = annotation(k.getDeclaredAnnotations(), "org.graalvm.nativeimage.c.CContext");
            if (context != null) {
                Class<?> directive = (Class<?>) value(context, "value");
                return directives.get(directive.getName());
            }
        }
        return null;
    }

    private static void describe(Class<?> c, StringBuilder h) {
        for (Class<?> nested : c.getDeclaredClasses()) {
            describe(nested, h);
        }
        Annotation struct = annotation(c.getDeclaredAnnotations(), "org.graalvm.nativeimage.c.struct.CStruct");
        if (struct != null && h.indexOf(" " + structName(c, struct) + ";") < 0) {
            String name = structName(c, struct);
            h.append("typedef struct ").append(name).append(" {\n");
            for (Method m : c.getDeclaredMethods()) {
                Annotation field = annotation(m.getDeclaredAnnotations(), "org.graalvm.nativeimage.c.struct.CField");
                if (field != null && m.getParameterCount() == 0) {
                    String fieldName = (String) value(field, "value");
                    h.append("    ").append(cType(m.getReturnType())).append(' ')
                            .append(fieldName.isEmpty() ? m.getName() : fieldName).append(";\n");
                }
            }
            h.append("} ").append(name).append(";\n");
        }
        for (Method m : c.getDeclaredMethods()) {
            if (annotation(m.getDeclaredAnnotations(), "org.graalvm.nativeimage.c.constant.CConstant") != null) {
                String define = "#define " + m.getName() + " ";
                if (h.indexOf(define) < 0) {
                    h.append(define).append("@VALUE@\n");
                }
            }
        }
    }

    private static String structName(Class<?> c, Annotation struct) {
        String value = (String) value(struct, "value");
        return value.isEmpty() ? c.getSimpleName() : value;
    }

    private static String cType(Class<?> t) {
        if (t == boolean.class || t == byte.class) {
            return "char";
        } else if (t == short.class) {
            return "short";
        } else if (t == int.class) {
            return "int";
        } else if (t == long.class) {
            return "long long";
        } else if (t == float.class) {
            return "float";
        } else if (t == double.class) {
            return "double";
        }
        return "void *"; // pointers and words
    }

    private static Annotation annotation(Annotation[] annotations, String type) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().equals(type)) {
                return a;
            }
        }
        return null;
    }

    private static Object value(Annotation a, String element) {
        try {
            return a.annotationType().getMethod(element).invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private CHeaders() {
    }

}
