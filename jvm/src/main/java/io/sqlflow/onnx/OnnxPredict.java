package io.sqlflow.onnx;

import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.transformations.PhysicalTransformation;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.DataTypeUtils;
import org.apache.flink.table.types.utils.TypeConversions;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The splice: scores a Table with an ONNX model through {@link OnnxPredictOperator}, and gives
 * back a Table of the input's columns followed by the OUTPUT columns, what {@code
 * ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(...))} returns. The table becomes a DataStream of
 * internal rows (no conversion), the operator chains onto it, and the stream becomes a table
 * again; a rowtime attribute stays one, with the input's watermarks ({@code
 * SOURCE_WATERMARK()}). Works in streaming and batch runtime mode. Called from Python
 * (sqlflow/flink/native.py) through py4j.
 */
public final class OnnxPredict {

    private OnnxPredict() {}

    /**
     * @param tEnv the environment {@code input} belongs to
     * @param input the rows to score
     * @param featureColumns the DESCRIPTOR columns, in order
     * @param modelOptions the model's WITH options ('path', 'batch-size', ...; 'provider' may be
     *     there and must say 'onnx')
     * @param outputNames the OUTPUT column names
     * @param outputTypes their Flink SQL types ("FLOAT", "ARRAY<FLOAT>", "STRING", ...)
     */
    public static Table apply(
            StreamTableEnvironment tEnv,
            Table input,
            String[] featureColumns,
            Map<String, String> modelOptions,
            String[] outputNames,
            String[] outputTypes) {
        ModelSpec spec = OnnxOptions.fromMap(modelOptions);
        ResolvedSchema schema = input.getResolvedSchema();
        List<Column> columns = schema.getColumns();
        Set<String> names = new LinkedHashSet<>(schema.getColumnNames());

        int[] positions = new int[featureColumns.length];
        LogicalType[] featureTypes = new LogicalType[featureColumns.length];
        for (int i = 0; i < featureColumns.length; i++) {
            int at = schema.getColumnNames().indexOf(featureColumns[i]);
            if (at < 0) {
                throw new ValidationException(
                        "unknown DESCRIPTOR column '" + featureColumns[i] + "' (columns: "
                                + OnnxModel.join(names) + ")"
                                + OnnxModel.hint(featureColumns[i], names));
            }
            positions[i] = at;
            featureTypes[i] = plain(columns.get(at).getDataType().getLogicalType());
        }
        Columns features = new Columns(featureColumns.clone(), featureTypes);
        Columns outputs = outputs(outputNames, outputTypes, names);
        if (spec.clientPath() != null) {
            OnnxModel.check(spec, features, outputs, new File(spec.clientPath()));
        }

        // the input as a stream of internal rows; time attributes become plain timestamps
        String rowtime = null;
        List<DataType> inTypes = new ArrayList<>();
        for (Column c : columns) {
            LogicalType t = c.getDataType().getLogicalType();
            if (LogicalTypeChecks.isRowtimeAttribute(t)) {
                rowtime = c.getName();
            }
            inTypes.add(DataTypeUtils.removeTimeAttribute(c.getDataType()));
        }
        DataType inRow = row(schema.getColumnNames(), inTypes).bridgedTo(RowData.class);
        DataStream<RowData> in = tEnv.toDataStream(input, inRow);
        RowType inType = (RowType) inRow.getLogicalType();

        List<String> outNames = new ArrayList<>(schema.getColumnNames());
        List<DataType> outTypes = new ArrayList<>(inTypes);
        for (int i = 0; i < outputs.size(); i++) {
            outNames.add(outputs.names()[i]);
            outTypes.add(TypeConversions.fromLogicalToDataType(outputs.types()[i]));
        }
        DataType outRow = row(outNames, outTypes);
        RowType outType = (RowType) outRow.getLogicalType();

        OnnxPredictOperator op = new OnnxPredictOperator(spec, features, outputs, positions, inType, outType);
        SingleOutputStreamOperator<RowData> scored =
                in.transform("OnnxPredict[" + spec.path() + "]", InternalTypeInfo.of(outType), op);
        ((PhysicalTransformation<RowData>) scored.getTransformation())
                .setChainingStrategy(ChainingStrategy.ALWAYS);
        Transformation<RowData> upstream = in.getTransformation();
        if (upstream.getParallelism() > 0) {
            scored.setParallelism(upstream.getParallelism());
        }

        Schema.Builder out = Schema.newBuilder().fromRowDataType(outRow);
        if (rowtime != null) {
            out.watermark(rowtime, "SOURCE_WATERMARK()");
        }
        return tEnv.fromDataStream(scored, out.build());
    }

    private static Columns outputs(
            String[] names, String[] types, Set<String> inputNames) {
        if (names.length != types.length) {
            throw new ValidationException(
                    names.length + " OUTPUT column names but " + types.length + " types");
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        LogicalType[] parsed = new LogicalType[types.length];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (inputNames.contains(names[i]) || !seen.add(names[i])) {
                throw new ValidationException(
                        "OUTPUT column '" + names[i] + "' is already a column of the input table");
            }
            try {
                parsed[i] = LogicalTypeParser.parse(types[i], loader);
            } catch (RuntimeException e) {
                throw new ValidationException(
                        "OUTPUT column '" + names[i] + "': cannot read type '" + types[i] + "'", e);
            }
        }
        return new Columns(names.clone(), parsed);
    }

    private static LogicalType plain(LogicalType t) {
        return DataTypeUtils.removeTimeAttribute(TypeConversions.fromLogicalToDataType(t))
                .getLogicalType();
    }

    private static DataType row(List<String> names, List<DataType> types) {
        org.apache.flink.table.api.DataTypes.Field[] fields =
                new org.apache.flink.table.api.DataTypes.Field[names.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = org.apache.flink.table.api.DataTypes.FIELD(names.get(i), types.get(i));
        }
        return org.apache.flink.table.api.DataTypes.ROW(fields).notNull();
    }
}
