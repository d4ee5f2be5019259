import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Does, for bench/native-check.sh, the part of the `native-image` driver that a build needs
 * (the driver is not published on Maven Central): it turns the arguments Quarkus wrote for the
 * driver (target/native-sources/native-image.args) into the command line of the builder itself,
 * com.oracle.svm.hosted.NativeImageGeneratorRunner, run on a stock JDK with the builder's jars
 * on its module path.
 *
 * - The builder JVM: JVMCI enabled, the Graal compiler jar upgrading the JDK's (empty)
 *   jdk.graal.compiler module, the other builder jars on the module path, every JDK-internal
 *   package exported to the builder's modules (a GraalVM distribution lists the ones it needs in
 *   a file of its driver), the system properties the driver sets.
 * - The image: its class path (the runner jar and its manifest Class-Path), main class, name,
 *   the manifest's Add-Opens and Add-Exports.
 * - Driver options become the builder's hosted options (--initialize-at-run-time=X becomes
 *   -H:ClassInitialization=X:run_time, ...), also inside every jar's
 *   META-INF/native-image/**\/native-image.properties; the jars' JSON configuration files become
 *   -H:*ConfigurationResources options, less those excluded with --exclude-config.
 *
 * An option it does not know stops it: the summary names it. Usage:
 *   java BuilderArgs.java SOURCES_DIR BUILDER_CLASSPATH_FILE OUT_DIR [-H:builder-option | -Jjvm-option]...
 * writes OUT_DIR/jvm.args (a java @argfile) and OUT_DIR/image.args (the builder's NUL-separated
 * argument file).
 */
public class BuilderArgs {
    private static final String BUILDER_MODULE = "org.graalvm.nativeimage.builder";

    private final List<String> jvm = new ArrayList<>();
    private final List<String> image = new ArrayList<>();
    private final List<String[]> excluded = new ArrayList<>(); // {jar regex, resource regex}
    private String name;
    private String mainClass;
    private final List<Path> imageClasspath = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Path sources = Path.of(args[0]).toAbsolutePath();
        List<Path> builderJars = new ArrayList<>();
        for (String p : Files.readString(Path.of(args[1])).trim().split(":")) {
            builderJars.add(Path.of(p));
        }
        Path out = Path.of(args[2]).toAbsolutePath();
        List<String> extra = List.of(args).subList(3, args.length);
        new BuilderArgs().run(sources, builderJars, out, extra);
    }

    private void run(Path sources, List<Path> builderJars, Path out, List<String> extra) throws IOException {
        List<String> driverArgs = List.of(Files.readString(sources.resolve("native-image.args")).trim().split("\\s+"));
        driverOptions(driverArgs, "native-image.args", sources);
        if (mainClass == null || name == null) {
            throw new IllegalStateException("native-image.args names no -jar or no image name");
        }
        for (Path entry : imageClasspath) {
            metaInf(entry);
        }

        // --- the builder JVM ---
        Path compiler = null;
        List<Path> modulePath = new ArrayList<>();
        for (Path jar : builderJars) {
            if (moduleName(jar).equals("jdk.graal.compiler")) {
                compiler = jar;
            } else {
                modulePath.add(jar);
            }
        }
        if (compiler == null) {
            throw new IllegalStateException("no jdk.graal.compiler jar among the builder's jars");
        }
        Set<String> builderModules = new TreeSet<>();
        for (Path jar : builderJars) {
            builderModules.add(moduleName(jar));
        }
        List<String> java = new ArrayList<>(List.of(
                "-XX:+UseParallelGC", "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "-XX:-UseJVMCICompiler",
                "-Xss10m", "-Xshare:off", "-Djava.awt.headless=true",
                // as a GraalVM CE driver would: Quarkus' build-time feature parses the vendor version
                "-Dorg.graalvm.vendor=GraalVM Community", "-Dorg.graalvm.vendorurl=https://www.graalvm.org/",
                "-Dorg.graalvm.vendorversion=GraalVM CE " + version(compiler), "-Dorg.graalvm.version=" + version(compiler),
                "-Dcom.oracle.graalvm.isaot=true",
                "-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader",
                "-Dorg.graalvm.nativeimage.imagecode=buildtime",
                "-Djdk.internal.lambda.disableEagerInitialization=true",
                "-Djdk.internal.lambda.eagerlyInitialize=false",
                "-Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false",
                "-Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1",
                "-Djava.lang.invoke.MethodHandle.PROFILE_GWT=false",
                "--upgrade-module-path", compiler.toString(),
                "--module-path", join(modulePath),
                "--add-modules=ALL-DEFAULT",
                "--enable-native-access=" + String.join(",", builderModules)));
        Path patch = out.resolve("patch");
        if (Files.isDirectory(patch)) {
            java.addAll(List.of("--patch-module", BUILDER_MODULE + "=" + patch));
        }
        java.addAll(exports(builderModules));
        java.addAll(jvm);
        for (String e : extra) {
            if (e.startsWith("-J")) {
                java.add(e.substring(2));
            }
        }
        java.addAll(List.of("--module", BUILDER_MODULE + "/com.oracle.svm.hosted.NativeImageGeneratorRunner"));

        // --- the image ---
        Path imageDir = out.resolve("image");
        Files.createDirectories(imageDir);
        List<String> builder = new ArrayList<>(List.of(
                "-imagecp", join(imageClasspath),
                "-H:CLibraryPath=" + out.resolve("clibraries"),
                "-H:Path=" + imageDir,
                "-H:Name=" + name,
                "-H:Class=" + mainClass,
                "-H:ImageBuildID=" + UUID.randomUUID()));
        builder.addAll(image);
        for (String e : extra) {
            if (!e.startsWith("-J")) {
                builder.add(e);
            }
        }

        StringBuilder argfile = new StringBuilder();
        for (String a : java) {
            argfile.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Files.writeString(out.resolve("jvm.args"), argfile);
        Files.writeString(out.resolve("image.args"), String.join("\0", builder));
        System.out.printf("  image %s, main class %s, %d class path entries, %d builder options (%d from jars' META-INF/native-image)%n",
                name, mainClass, imageClasspath.size(), builder.size(), metaInfOptions);
    }

    private int metaInfOptions;

    /** Driver options from ORIGIN; relative paths resolve against BASE. */
    private void driverOptions(List<String> args, String origin, Path base) throws IOException {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.isEmpty()) {
                continue;
            }
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            switch (key) {
                case "--features" -> image.add("-H:Features=" + value);
                case "--initialize-at-run-time" -> image.add("-H:ClassInitialization=" + initialization(value, "run_time"));
                case "--initialize-at-build-time" -> image.add("-H:ClassInitialization=" + initialization(value, "build_time"));
                case "--no-fallback" -> image.add("-H:FallbackThreshold=0");
                case "--link-at-build-time" -> image.add("-H:LinkAtBuildTime=" + (value == null ? "" : value));
                case "--enable-url-protocols" -> image.add("-H:EnableURLProtocols=" + value);
                case "--enable-monitoring" -> image.add("-H:EnableMonitoringFeatures=" + (value == null ? "all" : value));
                case "--enable-native-access" -> image.add("-H:EnableNativeAccess=" + value);
                case "--add-exports" -> image.add("-H:AddExports=" + value);
                case "--add-opens" -> image.add("-H:AddOpens=" + value);
                case "--add-reads" -> image.add("-H:AddReads=" + value);
                case "--exclude-config" -> excluded.add(new String[] {args.get(++i), args.get(++i)});
                case "-jar" -> jar(base.resolve(args.get(++i)));
                case "-o" -> name = args.get(++i);
                default -> {
                    if (a.startsWith("-H:") || a.startsWith("-R:")) {
                        image.add(a);
                    } else if (a.matches("-O[0-3bs]")) {
                        image.add("-H:Optimize=" + a.substring(2));
                    } else if (a.startsWith("-J")) {
                        jvm.add(a.substring(2));
                    } else if (a.startsWith("-D")) {
                        jvm.add(a);
                    } else if (!a.startsWith("-") && name == null) {
                        name = a;
                    } else {
                        throw new IllegalArgumentException("driver option not mapped to the builder: " + a + " (from " + origin + ")");
                    }
                }
            }
        }
    }

    private static String initialization(String classes, String when) {
        if (classes == null || classes.isEmpty()) {
            throw new IllegalArgumentException("an empty --initialize-at-*-time list is not supported");
        }
        List<String> out = new ArrayList<>();
        for (String c : classes.split(",")) {
            out.add(c + ":" + when);
        }
        return String.join(",", out);
    }

    private void jar(Path jar) throws IOException {
        imageClasspath.add(jar);
        try (JarFile jf = new JarFile(jar.toFile())) {
            Attributes main = jf.getManifest().getMainAttributes();
            mainClass = main.getValue("Main-Class");
            // as the driver reads an executable jar's manifest (Quarkus opens java.lang there)
            for (String[] attribute : new String[][] {{"Add-Opens", "-H:AddOpens="}, {"Add-Exports", "-H:AddExports="}}) {
                String packages = main.getValue(attribute[0]);
                if (packages != null) {
                    for (String p : packages.trim().split(" +")) {
                        image.add(attribute[1] + p + "=ALL-UNNAMED");
                    }
                }
            }
            if ("ALL-UNNAMED".equals(main.getValue("Enable-Native-Access"))) {
                jvm.add("--enable-native-access=ALL-UNNAMED");
            }
            String cp = main.getValue("Class-Path");
            if (cp != null) {
                for (String entry : cp.trim().split(" +")) {
                    Path p = jar.getParent().resolve(entry).normalize();
                    if (Files.exists(p)) {
                        imageClasspath.add(p);
                    }
                }
            }
        }
    }

    /** A jar's META-INF/native-image: native-image.properties (Args, JavaArgs) and configuration files. */
    private void metaInf(Path jar) throws IOException {
        if (!jar.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            List<String> entries = new ArrayList<>();
            for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements();) {
                String n = e.nextElement().getName();
                if (n.startsWith("META-INF/native-image/") && !n.endsWith("/")) {
                    entries.add(n);
                }
            }
            entries.sort(null);
            for (String n : entries) {
                String file = n.substring(n.lastIndexOf('/') + 1);
                if (isExcluded(jar, "/" + n)) {
                    continue;
                }
                if (file.equals("native-image.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = jf.getInputStream(jf.getEntry(n))) {
                        p.load(in);
                    }
                    String dir = n.substring(0, n.lastIndexOf('/'));
                    String origin = jar.getFileName() + "!/" + n;
                    for (String k : List.of("Args", "JavaArgs")) {
                        String v = p.getProperty(k);
                        if (v == null || v.isBlank()) {
                            continue;
                        }
                        List<String> list = new ArrayList<>();
                        for (String a : v.replace("${.}", dir).trim().split("\\s+")) {
                            list.add(k.equals("JavaArgs") ? "-J" + a : a);
                        }
                        int before = image.size() + jvm.size();
                        driverOptions(list, origin, jar.getParent());
                        metaInfOptions += image.size() + jvm.size() - before;
                    }
                } else {
                    String option = configurationOption(file);
                    if (option != null) {
                        image.add("-H:" + option + "=" + n);
                        metaInfOptions++;
                    }
                }
            }
        }
    }

    private static final Map<String, String> CONFIGURATION = Map.of(
            "reachability-metadata.json", "ReachabilityMetadataResources",
            "reflect-config.json", "ReflectionConfigurationResources",
            "resource-config.json", "ResourceConfigurationResources",
            "proxy-config.json", "DynamicProxyConfigurationResources",
            "serialization-config.json", "SerializationConfigurationResources",
            "serialization-deny-config.json", "SerializationDenyConfigurationResources",
            "jni-config.json", "JNIConfigurationResources",
            "predefined-classes-config.json", "PredefinedClassesConfigurationResources");

    private static String configurationOption(String file) {
        return CONFIGURATION.get(file);
    }

    private boolean isExcluded(Path jar, String resource) {
        for (String[] e : excluded) {
            if (Pattern.compile(e[0]).matcher(jar.toString()).find() && Pattern.compile(e[1]).matcher(resource).find()) {
                return true;
            }
        }
        return false;
    }

    /** Every package of the JDK's resolvable modules that is not exported to all, exported to the builder's modules. */
    private static List<String> exports(Set<String> targets) {
        List<String> out = new ArrayList<>();
        String to = String.join(",", targets);
        for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
            ModuleDescriptor d = ref.descriptor();
            Set<String> open = new HashSet<>();
            for (ModuleDescriptor.Exports e : d.exports()) {
                if (!e.isQualified()) {
                    open.add(e.source());
                }
            }
            // a module that exports nothing to all is not in the default root set (ALL-DEFAULT)
            if (open.isEmpty() && !d.name().equals("jdk.internal.vm.ci")) {
                continue;
            }
            for (String p : new TreeSet<>(d.packages())) {
                if (!open.contains(p)) {
                    out.add("--add-exports=" + d.name() + "/" + p + "=" + to);
                }
            }
        }
        return out;
    }

    private static String moduleName(Path jar) {
        Set<ModuleReference> refs = ModuleFinder.of(jar).findAll();
        return refs.isEmpty() ? "?" : refs.iterator().next().descriptor().name();
    }

    private static String version(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String v = jf.getManifest().getMainAttributes().getValue("Implementation-Version");
            return v == null ? "unknown" : v;
        }
    }

    private static String join(List<Path> paths) {
        LinkedHashSet<String> s = new LinkedHashSet<>();
        for (Path p : paths) {
            s.add(p.toString());
        }
        return String.join(":", s);
    }
}
