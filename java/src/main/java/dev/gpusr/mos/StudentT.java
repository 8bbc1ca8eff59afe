package dev.gpusr.mos;

/**
 * Student's t distribution: the tail probability through the regularized incomplete beta function (continued fraction,
 * modified Lentz, as in Numerical Recipes' betacf) and the quantile by bisection on it. Accurate to about 1e-12,
 * far beyond what a confidence interval needs.
 */
public final class StudentT {
    private StudentT() {}

    /** P(T > t) for t >= 0 with v degrees of freedom. */
    static double upperTail(double t, double v) {
        if (t <= 0) return 0.5;
        return 0.5 * regularizedBeta(v / (v + t * t), v / 2, 0.5);
    }

    /** P(T <= t) with v degrees of freedom. */
    public static double cdf(double t, double v) {
        checkDof(v);
        if (Double.isNaN(t)) return Double.NaN;
        return t >= 0 ? 1 - upperTail(t, v) : upperTail(-t, v);
    }

    /** The p-quantile, 0 < p < 1, with v > 0 degrees of freedom: e.g. quantile(0.975, 4) = 2.7764. */
    public static double quantile(double p, double v) {
        checkDof(v);
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        if (p == 0.5) return 0;
        if (p < 0.5) return -quantile(1 - p, v);
        double tail = 1 - p;
        double lo = 0;
        double hi = 1;
        while (upperTail(hi, v) > tail) {
            lo = hi;
            hi *= 2;
            if (hi > 1e300) return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < 400 && hi - lo > 1e-14 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (upperTail(mid, v) > tail) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    private static void checkDof(double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("degrees of freedom must be positive, got " + v);
    }

    /** I_x(a, b), the regularized incomplete beta function. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) return front * betaFraction(x, a, b) / a;
        return 1 - front * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) break;
        }
        return h;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    };

    /** ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
    static double logGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
