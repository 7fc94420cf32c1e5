namespace MlNetConcepts.Reports;

/// <summary>The element type of a view column.</summary>
public enum DataKind
{
    /// <summary>32-bit float (the type of activations, codes and memberships).</summary>
    Float32,
    /// <summary>64-bit float (report values that were accumulated in double).</summary>
    Float64,
    /// <summary>32-bit signed integer (labels, indices).</summary>
    Int32,
    /// <summary>64-bit signed integer (sample ids).</summary>
    Int64,
    /// <summary>Boolean flag.</summary>
    Boolean,
    /// <summary>UTF-16 string (names, file paths, captions).</summary>
    String,
}
