// The seed's third demo: a Kotlin program that counts primes in a loop
// inside main, which never returns. Add a log at line 45,
// `if (pc.isPrime())`, while it runs:
//
//   Checking {i} found {cnt}
//
// Run it with the Sonde agent (see the README, "JVM"):
//   java -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,onjcmd=y \
//        -javaagent:sonde-agent.jar -jar target/kotlin-primes-0.1.0.jar
// The loop in main is running when the log arrives, and a running method
// never re-enters its new bytecode: the agent serves the line through the
// JVM's own debugger interface (the jdwp option above) until it can.
import kotlin.math.pow

class PrimeChecker(val number: Int) {
    fun isPrime(): Boolean {
        if (number < 2) return false
        var d = 2
        while (d * d <= number) {
            if (number % d == 0) return false
            d++
        }
        return true
    }

    // About 80 numbers a second under the debugger fallback, as in the seed.
    fun doNothing() = Thread.sleep(10)
}

object PrimeMainComplex {
    var cnt = 0

    // A progress line every so many numbers (report(), in Report.kt).
    const val PROGRESS_EVERY = 100


    @kotlin.jvm.JvmStatic
    fun main(args: Array<String>) {
        var non_static_cnt = 0
        val message = "Total number of primes: "
        var i = 2
        while (i < 1000000000) {
            while (i < 10.0.pow(4.0)) {
                val pc = PrimeChecker(i)
                if (pc.isPrime()) {
                    non_static_cnt++
                    cnt++
                }
                pc.doNothing() // Fake line to insert
                ++i
                report(i, message, cnt)
            }
            i = 2
            cnt = 0
            non_static_cnt = 0
        }
    }
}
