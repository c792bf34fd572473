package io.sqlflow.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates onnxruntime sessions on the device the options ask for: CUDA only where it really
 * starts (device 'auto' falls back to the CPU quietly, logged once at INFO per model and JVM).
 */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private Sessions() {}

    private static volatile OrtEnvironment environment;

    /**
     * The onnxruntime environment, its native library loaded on a thread with a large stack:
     * onnxruntime 1.29.0's native library crashes the JVM (SIGSEGV) while it loads on a thread
     * of the default 1 MB stack when the JVM's classpath is long (seen with 70 jars). Once
     * loaded, sessions and runs are fine on any thread.
     */
    static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (Sessions.class) {
            if (environment == null) {
                Object[] out = new Object[1];
                Thread loader = new Thread(null, () -> {
                    try {
                        out[0] = OrtEnvironment.getEnvironment(
                                OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "sqlflow");
                    } catch (Throwable t) {
                        out[0] = t;
                    }
                }, "sqlflow-onnx-load", 64L << 20);
                loader.start();
                try {
                    loader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading onnxruntime", e);
                }
                if (out[0] instanceof Throwable) {
                    throw new IllegalStateException(
                            "cannot load onnxruntime: " + ((Throwable) out[0]).getMessage(),
                            (Throwable) out[0]);
                }
                environment = (OrtEnvironment) out[0];
            }
            return environment;
        }
    }

    /** A session and where it runs ("CPU" or "CUDA:<gpu>"). */
    record Placed(OrtSession session, String device) {}

    static Placed create(OrtEnvironment env, byte[] model, ModelSpec spec, int gpu, String name)
            throws OrtException {
        if (!"cpu".equals(spec.device())) {
            String why;
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                why = "this onnxruntime has no CUDA execution provider (build the jar with -Pgpu)";
            } else {
                try (OrtSession.SessionOptions opts = options(spec)) {
                    opts.addCUDA(gpu);
                    OrtSession session = env.createSession(model, opts);
                    logOnce(name, "CUDA:" + gpu, "model " + name + " runs on CUDA GPU " + gpu);
                    return new Placed(session, "CUDA:" + gpu);
                } catch (OrtException | RuntimeException e) {
                    why = "CUDA did not start on GPU " + gpu + ": " + firstLine(e.getMessage());
                }
            }
            if ("cuda".equals(spec.device())) {
                throw new IllegalStateException(
                        "model " + name + ": 'device' = 'cuda' was asked for but " + why);
            }
            logOnce(name, "CPU", "model " + name + " runs on the CPU: " + why);
        } else {
            logOnce(name, "CPU", "model " + name + " runs on the CPU: 'device' = 'cpu'");
        }
        try (OrtSession.SessionOptions opts = options(spec)) {
            return new Placed(env.createSession(model, opts), "CPU");
        }
    }

    private static OrtSession.SessionOptions options(ModelSpec spec) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(spec.threads());
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return opts;
    }

    private static void logOnce(String name, String device, String message) {
        if (LOGGED.add(name + "@" + device)) {
            LOG.info(message);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
