// Benchmarks are added in their own change.
return 0;
