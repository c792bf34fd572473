package io.sqlflow.onnx;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.table.functions.FunctionContext;

import java.util.Set;

/** The GPU Flink's external resource 'gpu' assigned to this TaskManager (index 0 if none). */
final class Gpus {

    private Gpus() {}

    static int index(Set<ExternalResourceInfo> gpus) {
        for (ExternalResourceInfo info : gpus) {
            String index = info.getProperty("index").orElse(null);
            if (index != null && !index.isEmpty()) {
                return Integer.parseInt(index.trim());
            }
        }
        return 0;
    }

    static int index(FunctionContext context) {
        try {
            return index(context.getExternalResourceInfos("gpu"));
        } catch (RuntimeException noneConfigured) {
            return 0;
        }
    }
}
