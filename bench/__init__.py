"""Generated reports with known truth, and the benchmark that measures the pipeline on them."""
