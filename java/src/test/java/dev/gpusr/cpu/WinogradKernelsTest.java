package dev.gpusr.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each written-out transform of {@link WinogradKernels} against {@link Winograd}'s matrices, exactly: small integer
 * inputs keep every sum (multiples of 1/64 at most) exact in float, so one wrong coefficient shows as a wrong value
 * here, at whatever vector width the JVM has, without going through a whole convolution.
 */
class WinogradKernelsTest {
    private static final int L = WinogradKernels.LANES;
    private static final int P = Winograd.PATCH;
    private static final int T = Winograd.TILE;
    private final Random random = new Random(5);

    @BeforeEach
    void vectorKernels() {
        assumeTrue(Winograd.ENABLED, "Winograd needs the vector kernels: " + Simd.describe());
    }

    private float[] ints(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = random.nextInt(19) - 9;
        return a;
    }

    @Test
    void splitTakesTheFourPhasesUpToTheLimitAndZeroPastIt() {
        for (int trial = 0; trial < 200; trial++) {
            int n = L * (1 + random.nextInt(3));
            int col = random.nextInt(9);
            int limit = col + random.nextInt(4 * n + 8);
            float[] row = ints(limit + 4 * n + 20);
            for (int i = limit; i < row.length; i++) row[i] = Float.NaN; // past the layout: never read
            float[][] p = {new float[n], new float[n], new float[n], new float[n]};
            WinogradKernels.split(row, col, limit, p[0], p[1], p[2], p[3], n);
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < n; j++) {
                    int at = col + 4 * j + k;
                    assertEquals(at < limit ? row[at] : 0f, p[k][j], 0f, "phase " + k + " at " + j + ", limit " + limit);
                }
            }
        }
    }

    @Test
    void inputRowIsBTransposedAlongX() {
        int count = 2 * L;
        float[][] p = {ints(count + L), ints(count + L), ints(count + L), ints(count + L)};
        float[] x = new float[P * count];
        WinogradKernels.inputRow(p[0], p[1], p[2], p[3], count, x);
        for (int t = 0; t < count; t++) {
            for (int k = 0; k < P; k++) {
                double sum = 0;
                for (int i = 0; i < P; i++) sum += Winograd.BT[k][i] * p[i % 4][t + i / 4];
                assertEquals(sum, x[k * count + t], 0.0, "tile " + t + " x point " + k);
            }
        }
    }

    @Test
    void inputColumnIsBTransposedDownTheColumns() {
        int count = 2 * L;
        float[][] rows = new float[P][];
        for (int j = 0; j < P; j++) rows[j] = ints(P * count);
        int stride = 3 * L + 1;
        for (int x = 0; x < P; x++) {
            for (int t = 0; t < count; t += L) {
                float[] v = new float[P * stride + L];
                WinogradKernels.inputColumn(rows, count, t, x, v, 1, stride);
                for (int l = 0; l < L; l++) {
                    for (int y = 0; y < P; y++) {
                        double sum = 0;
                        for (int j = 0; j < P; j++) sum += Winograd.BT[y][j] * rows[j][x * count + t + l];
                        assertEquals(sum, v[1 + y * stride + l], 0.0, "column " + x + ", tile " + (t + l) + ", y " + y);
                    }
                }
            }
        }
    }

    @Test
    void outputIsATransposedMAPlusTheBias() {
        int stride = 2 * L + 3;
        float[] m = ints(P * P * stride + L);
        float bias = 0.5f;
        float[] y = new float[T * T * L];
        WinogradKernels.output(m, 2, stride, bias, new float[4 * P * L], y);
        for (int l = 0; l < L; l++) {
            for (int dy = 0; dy < T; dy++) {
                for (int dx = 0; dx < T; dx++) {
                    double sum = bias;
                    for (int a = 0; a < P; a++) {
                        for (int b = 0; b < P; b++) sum += Winograd.AT[dy][a] * Winograd.AT[dx][b] * m[2 + (P * a + b) * stride + l];
                    }
                    assertEquals(sum, y[(T * dy + dx) * L + l], 0.0, "lane " + l + " output " + dy + "," + dx);
                }
            }
        }
    }

    @Test
    void gradOutputIsAdYATransposed() {
        int count = 3;
        int cout = 2 * L;
        float[] dy = ints(T * T * count * cout); // [row][column 4 t + dx][output channel]
        int stride = count * cout + L;
        float[] m = new float[P * P * stride];
        WinogradKernels.gradOutput(dy, count, cout, m, stride, new float[4 * P * L]);
        for (int t = 0; t < count; t++) {
            for (int o = 0; o < cout; o++) {
                for (int py = 0; py < P; py++) {
                    for (int px = 0; px < P; px++) {
                        double sum = 0; // A = AT transposed
                        for (int i = 0; i < T; i++) {
                            for (int j = 0; j < T; j++) {
                                sum += Winograd.AT[i][py] * Winograd.AT[j][px] * dy[(i * T * count + T * t + j) * cout + o];
                            }
                        }
                        assertEquals(sum, m[(P * py + px) * stride + t * cout + o], 0.0,
                                "tile " + t + " channel " + o + " point " + py + "," + px);
                    }
                }
            }
        }
    }

    @Test
    void storeInterleavesTheFourColumnsOfEachTileThroughTheEpilogue() {
        for (int mode = 0; mode < 3; mode++) {
            float[] y = ints(T * T * L);
            for (int dy = 0; dy < T; dy++) {
                float[] row = ints(T * L + 8);
                float[] before = row.clone();
                WinogradKernels.store(y, dy, row, 3, mode);
                for (int c = 0; c < row.length; c++) {
                    int i = c - 3;
                    if (i < 0 || i >= T * L) {
                        assertEquals(before[c], row[c], 0f, "column " + c + " outside the store");
                        continue;
                    }
                    float v = y[(T * dy + i % T) * L + i / T];
                    float expected = switch (mode) {
                        case 0 -> v;
                        case 1 -> Math.max(v, 0f);
                        default -> Kernels.reluGrad(before[c], v);
                    };
                    assertEquals(expected, row[c], 0f, "mode " + mode + " row " + dy + " column " + c);
                }
            }
        }
    }
}
