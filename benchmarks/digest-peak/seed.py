"""Seeds N hourly-digest readers, all due now, and a few recent articles, straight into PostgreSQL with COPY.
Real P-256 keys: a pool of 64 generated once and shared across distinct endpoints."""
import base64, hashlib, io, os, random, subprocess, sys, uuid, datetime
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import serialization

db, readers, sink = sys.argv[1], int(sys.argv[2]), sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()
keys = [(b64(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)), b64(os.urandom(16))) for _ in range(64)]
sections = ['pakistan', 'world', 'entertainment', 'lifestyle', 'sports', 'business', 'videos', 'tv-shows', 'health']
now = datetime.datetime.now(datetime.timezone.utc)
created, due = (now - datetime.timedelta(hours=2)).isoformat(), (now - datetime.timedelta(seconds=30)).isoformat()
subs, chosen = io.StringIO(), io.StringIO()
for i in range(readers):
    sid = uuid.uuid4()
    endpoint = f'{sink}/push/{i}'
    p256dh, auth = keys[i % len(keys)]
    subs.write('\t'.join([str(sid), endpoint, hashlib.sha256(endpoint.encode()).hexdigest(), p256dh, auth,
        hashlib.sha256(os.urandom(16)).hexdigest(), 'Digest', 'Hourly', f'00:{now.minute:02d}:00', 'UTC', 'f',
        created, created, '0', due]) + '\n')
    for s in random.sample(sections, random.randint(1, 3)):
        chosen.write(f'{sid}\t{s}\n')
def copy(sql, data):
    subprocess.run(['psql', '-qX', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-c', sql], input=data.getvalue().encode(),
                   check=True, env={**os.environ, 'PGPASSWORD': 'postgres'})
copy('COPY subscriptions ("Id","Endpoint","EndpointHash","P256dh","Auth","TokenHash","Mode","DigestFrequency","DigestAt","TimeZone","Paused","CreatedAt","UpdatedAt","ConsecutiveFailures","NextDigestAt") FROM STDIN', subs)
copy('COPY subscription_sections ("SubscriptionId","SectionId") FROM STDIN', chosen)
articles, article_sections = io.StringIO(), io.StringIO()
for i in range(30):
    published = (now - datetime.timedelta(minutes=90 - 3 * i)).isoformat()
    aid, section = f'peak-{i}', sections[i % len(sections)]
    articles.write('\t'.join([aid, f'Story number {i} from the {section} desk', 'Summary.', f'https://news.example/{section}/{aid}',
                              'https://news.example/img/1.jpg', published, published, 'f']) + '\n')
    article_sections.write(f'{aid}\t{section}\t{published}\n')
copy('COPY articles ("ArticleId","Title","Summary","Url","ImageUrl","PublishedAt","ReceivedAt","Breaking") FROM STDIN', articles)
copy('COPY article_sections ("ArticleId","SectionId","PublishedAt") FROM STDIN', article_sections)
print(f'seeded {readers} readers due at {due} and 30 articles')
