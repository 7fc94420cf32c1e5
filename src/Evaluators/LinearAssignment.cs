namespace MlNetConcepts.Evaluators;

/// <summary>
/// Exact rectangular linear assignment (minimum total cost, each row and column used at most
/// once, min(rows, cols) pairs) by shortest augmenting paths with dual potentials, the
/// Jonker–Volgenant scheme as described by Crouse (2016, "On implementing 2D rectangular
/// assignment algorithms"): one Dijkstra-like search on reduced costs per row, O(n²·m) worst case.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// Solves min Σ cost[i, π(i)] for a row-major <paramref name="rows"/> × <paramref name="cols"/>
    /// matrix. Returns, for every row, its column, or -1 for rows left out when rows &gt; cols.
    /// Costs must be finite.
    /// </summary>
    public static int[] Solve(ReadOnlySpan<double> cost, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != cost.Length)
            throw new ConceptDataException($"Cost matrix: shape ({rows}, {cols}) does not match {cost.Length} values.");
        foreach (var c in cost)
            if (!double.IsFinite(c)) throw new ConceptDataException($"Cost matrix holds a non-finite value ({c}).");
        if (rows == 0 || cols == 0) return Enumerable.Repeat(-1, rows).ToArray();
        if (rows <= cols) return SolveWide(cost.ToArray(), rows, cols);
        // More rows than columns: solve the transpose and invert the matching.
        var t = new double[cost.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) t[(long)j * rows + i] = cost[i * cols + j];
        var colToRow = SolveWide(t, cols, rows);
        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (int j = 0; j < cols; j++) result[colToRow[j]] = j;
        return result;
    }

    /// <summary>Maximises Σ score[i, π(i)] (e.g. cosine similarities).</summary>
    public static int[] SolveMaximum(ReadOnlySpan<double> score, int rows, int cols)
    {
        var neg = new double[score.Length];
        for (int i = 0; i < neg.Length; i++) neg[i] = -score[i];
        return Solve(neg, rows, cols);
    }

    // rows ≤ cols: every row gets a column.
    private static int[] SolveWide(double[] cost, int rows, int cols)
    {
        var u = new double[rows];          // row potentials
        var v = new double[cols];          // column potentials
        var shortest = new double[cols];   // tentative path lengths to each column
        var path = new int[cols];          // previous row on the shortest path to each column
        var colForRow = Enumerable.Repeat(-1, rows).ToArray();
        var rowForCol = Enumerable.Repeat(-1, cols).ToArray();
        var rowVisited = new bool[rows];
        var colVisited = new bool[cols];
        var remaining = new int[cols];
        var visitedRows = new List<int>(rows);

        for (int start = 0; start < rows; start++)
        {
            Array.Fill(shortest, double.PositiveInfinity);
            Array.Clear(rowVisited);
            Array.Clear(colVisited);
            visitedRows.Clear();
            for (int j = 0; j < cols; j++) remaining[j] = cols - 1 - j;
            int numRemaining = cols;
            double minVal = 0;
            int i = start, sink = -1;
            while (sink < 0)
            {
                rowVisited[i] = true;
                visitedRows.Add(i);
                int best = -1;
                double lowest = double.PositiveInfinity;
                int rowBase = i * cols;
                double ui = u[i];
                for (int r = 0; r < numRemaining; r++)
                {
                    int j = remaining[r];
                    double reduced = minVal + cost[rowBase + j] - ui - v[j];
                    if (reduced < shortest[j])
                    {
                        path[j] = i;
                        shortest[j] = reduced;
                    }
                    // Prefer a free column on ties: the search can stop there.
                    if (shortest[j] < lowest || (shortest[j] == lowest && rowForCol[j] < 0))
                    {
                        lowest = shortest[j];
                        best = r;
                    }
                }
                if (best < 0 || double.IsPositiveInfinity(lowest))
                    throw new InvalidOperationException("Assignment is infeasible (no finite augmenting path).");
                minVal = lowest;
                int col = remaining[best];
                if (rowForCol[col] < 0) sink = col;
                else i = rowForCol[col];
                colVisited[col] = true;
                remaining[best] = remaining[--numRemaining];
            }
            // Update potentials so reduced costs stay non-negative.
            u[start] += minVal;
            foreach (int r in visitedRows)
                if (r != start) u[r] += minVal - shortest[colForRow[r]];
            for (int j = 0; j < cols; j++)
                if (colVisited[j]) v[j] -= minVal - shortest[j];
            // Augment along the path back to the start row.
            int jj = sink;
            while (true)
            {
                int r = path[jj];
                rowForCol[jj] = r;
                (colForRow[r], jj) = (jj, colForRow[r]);
                if (r == start) break;
            }
        }
        return colForRow;
    }

    /// <summary>Total cost of an assignment (rows with -1 skipped).</summary>
    public static double Total(ReadOnlySpan<double> cost, int cols, int[] assignment)
    {
        double total = 0;
        for (int i = 0; i < assignment.Length; i++)
            if (assignment[i] >= 0) total += cost[i * cols + assignment[i]];
        return total;
    }
}
