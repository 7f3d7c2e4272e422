// An inline function of the seed's program: its body runs inside main at
// each call, under line numbers past the end of PrimeMainComplex.kt that the
// class's SMAP maps back to these lines. A log here fires in main.
inline fun report(i: Int, message: String, count: Int) {
    if (i % PrimeMainComplex.PROGRESS_EVERY == 0) println("checked up to $i: $message$count")
}
