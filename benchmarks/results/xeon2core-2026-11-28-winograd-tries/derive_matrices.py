from fractions import Fraction as F
import itertools, random
m, r = 2, 5
n = m + r - 1
pts = [F(0), F(1), F(-1), F(2), F(-2)]  # plus infinity
def vand(cols):
    rows = [[p**k for k in range(cols)] for p in pts]
    rows.append([F(0)]*(cols-1)+[F(1)])
    return rows
G = vand(r); A = vand(m); V = vand(n)
# invert V
def inv(M):
    k=len(M); a=[row[:]+[F(int(i==j)) for j in range(k)] for i,row in enumerate(M)]
    for c in range(k):
        p=next(i for i in range(c,k) if a[i][c]!=0); a[c],a[p]=a[p],a[c]
        pv=a[c][c]; a[c]=[x/pv for x in a[c]]
        for i in range(k):
            if i!=c and a[i][c]!=0:
                f=a[i][c]; a[i]=[x-f*y for x,y in zip(a[i],a[c])]
    return [row[k:] for row in a]
C = inv(V)
BT = [[C[i][j] for i in range(n)] for j in range(n)]  # BT[j][i] = C[i][j] (row j = point j)
# scale rows of BT to integers, divide G rows
import math
for j in range(n):
    den = 1
    for x in BT[j]: den = den*x.denominator//math.gcd(den,x.denominator)
    BT[j] = [x*den for x in BT[j]]
    G[j] = [x/den for x in G[j]]
AT = [[A[j][i] for j in range(n)] for i in range(m)]
print("BT"); [print([str(x) for x in row]) for row in BT]
print("G"); [print([str(x) for x in row]) for row in G]
print("AT"); [print([str(x) for x in row]) for row in AT]
# check 1D correlation
for trial in range(3):
    g=[F(random.randint(-9,9)) for _ in range(r)]; d=[F(random.randint(-9,9)) for _ in range(n)]
    Gg=[sum(G[j][k]*g[k] for k in range(r)) for j in range(n)]
    Bd=[sum(BT[j][i]*d[i] for i in range(n)) for j in range(n)]
    y=[sum(AT[l][j]*Gg[j]*Bd[j] for j in range(n)) for l in range(m)]
    ref=[sum(g[k]*d[k+l] for k in range(r)) for l in range(m)]
    print(y==ref, y, ref)
