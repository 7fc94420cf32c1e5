// Comparative benchmark harness: each suite times our code and its references in one run.
Console.WriteLine("usage: see benchmarks/README.md");
