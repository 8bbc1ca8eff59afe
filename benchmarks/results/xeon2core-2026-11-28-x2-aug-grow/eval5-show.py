import json, sys
for f in sys.argv[1:]:
    d = json.load(open(f))
    m = d['mean']
    print(f, 'bicubic %.3f srcnn %.3f gain %+.3f' % (m['bicubic']['psnr'], m['srcnn']['psnr'], m['srcnn']['psnr'] - m['bicubic']['psnr']))
    print('   ', ' '.join('%s %+.3f' % (i.get('name', i.get('file')), i['srcnn']['psnr'] - i['bicubic']['psnr']) for i in d.get('images', [])))
