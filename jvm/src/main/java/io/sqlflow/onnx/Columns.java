package io.sqlflow.onnx;

import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;

import java.io.Serializable;
import java.util.List;

/** Names and SQL types of a list of columns (DESCRIPTOR features, or OUTPUT columns). */
public record Columns(String[] names, LogicalType[] types) implements Serializable {

    static Columns of(ResolvedSchema schema) {
        List<Column> cols = schema.getColumns();
        String[] names = new String[cols.size()];
        LogicalType[] types = new LogicalType[cols.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = cols.get(i).getName();
            types[i] = cols.get(i).getDataType().getLogicalType();
        }
        return new Columns(names, types);
    }

    int size() {
        return names.length;
    }
}
