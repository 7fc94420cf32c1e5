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

        // Square problems: Jonker–Volgenant's column reduction, reduction transfer and augmenting
        // row reduction assign most rows cheaply; the shortest-path search finishes the rest.
        if (rows == cols) Initialise(cost, rows, u, v, colForRow, rowForCol);

        for (int start = 0; start < rows; start++)
        {
            if (colForRow[start] >= 0) continue;
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
                double ui = u[i];
                var (best, lowest) = ScanRow(cost, i * (long)cols, ui, minVal, remaining, numRemaining, v, shortest, path, rowForCol, i);
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

    /// <summary>
    /// Jonker &amp; Volgenant (1987) initialisation for an n × n problem. Leaves column potentials
    /// v and a partial matching in which every matched row's column minimises c_ij − v_j, and sets
    /// u_i = c_{i,x_i} − v_{x_i}: dual feasible and tight on matched pairs, as the augmentation needs.
    /// </summary>
    private static void Initialise(double[] cost, int n, double[] u, double[] v, int[] colForRow, int[] rowForCol)
    {
        var matches = new int[n];
        // Column reduction, last column first: v_j = min_i c_ij, assign when the row is free.
        for (int j = n - 1; j >= 0; j--)
        {
            int imin = 0;
            double min = cost[j];
            for (int i = 1; i < n; i++)
            {
                double c = cost[(long)i * n + j];
                if (c < min) { min = c; imin = i; }
            }
            v[j] = min;
            if (++matches[imin] == 1)
            {
                colForRow[imin] = j;
                rowForCol[j] = imin;
            }
            else if (v[j] < v[colForRow[imin]])
            {
                int j1 = colForRow[imin];
                colForRow[imin] = j;
                rowForCol[j] = imin;
                rowForCol[j1] = -1;
            }
            else rowForCol[j] = -1;
        }
        // Reduction transfer: a row matched once moves its slack onto its column's potential.
        for (int i = 0; i < n; i++)
        {
            if (matches[i] != 1) continue;
            int j1 = colForRow[i];
            double min = double.PositiveInfinity;
            long rowBase = (long)i * n;
            for (int j = 0; j < n; j++)
                if (j != j1 && cost[rowBase + j] - v[j] < min) min = cost[rowBase + j] - v[j];
            if (double.IsFinite(min)) v[j1] = cost[rowBase + j1] - min;
        }
        // Rows matched more than once in the column reduction kept only one column.
        for (int i = 0; i < n; i++)
            if (colForRow[i] >= 0 && rowForCol[colForRow[i]] != i) colForRow[i] = -1;
        // Augmenting row reduction, two rounds, with a step cap (floating-point ties can cycle).
        var free = new List<int>();
        for (int i = 0; i < n; i++) if (colForRow[i] < 0) free.Add(i);
        for (int round = 0; round < 2 && free.Count > 0; round++)
        {
            var next = new List<int>();
            var stack = new Stack<int>(free.AsEnumerable().Reverse());
            long steps = 0, cap = 4L * n + 16;
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                if (++steps > cap) { next.Add(i); continue; }
                long rowBase = (long)i * n;
                double umin = cost[rowBase] - v[0], usubmin = double.PositiveInfinity;
                int j1 = 0, j2 = -1;
                for (int j = 1; j < n; j++)
                {
                    double h = cost[rowBase + j] - v[j];
                    if (h < usubmin)
                    {
                        if (h >= umin) { usubmin = h; j2 = j; }
                        else { usubmin = umin; umin = h; j2 = j1; j1 = j; }
                    }
                }
                int i0 = rowForCol[j1];
                if (umin < usubmin) v[j1] -= usubmin - umin;
                else if (i0 >= 0 && j2 >= 0) { j1 = j2; i0 = rowForCol[j2]; }
                if (i0 >= 0) colForRow[i0] = -1;
                colForRow[i] = j1;
                rowForCol[j1] = i;
                if (i0 >= 0)
                {
                    if (umin < usubmin) stack.Push(i0);
                    else next.Add(i0);
                }
            }
            free = next;
        }
        for (int i = 0; i < n; i++)
            if (colForRow[i] >= 0) u[i] = cost[(long)i * n + colForRow[i]] - v[colForRow[i]];
    }

    /// <summary>
    /// One relaxation step of the search: lowers the tentative path length of every remaining
    /// column through row <paramref name="i"/> and returns the position (in <paramref name="remaining"/>)
    /// of the closest column, preferring a free column on ties. Pointer loop: this is the O(n²·m) hot spot.
    /// </summary>
    private static unsafe (int Best, double Lowest) ScanRow(double[] cost, long rowBase, double ui, double minVal,
        int[] remaining, int numRemaining, double[] v, double[] shortest, int[] path, int[] rowForCol, int i)
    {
        int best = -1;
        double lowest = double.PositiveInfinity;
        fixed (double* c = &cost[rowBase], pv = v, ps = shortest)
        fixed (int* rem = remaining, pp = path, rfc = rowForCol)
        {
            double offset = minVal - ui;
            for (int r = 0; r < numRemaining; r++)
            {
                int j = rem[r];
                double reduced = offset + c[j] - pv[j];
                double sj = ps[j];
                if (reduced < sj)
                {
                    pp[j] = i;
                    ps[j] = reduced;
                    sj = reduced;
                }
                // Prefer a free column on ties: the search can stop there.
                if (sj < lowest || (sj == lowest && rfc[j] < 0))
                {
                    lowest = sj;
                    best = r;
                }
            }
        }
        return (best, lowest);
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
