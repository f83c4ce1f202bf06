using System.Text;
using System.Text.Json;
using Alerts.Delivery;
using Alerts.Digests;
using Alerts.Sections;

namespace Alerts.UnitTests.Digests;

public sealed class DigestComposerTests
{
    [Fact]
    public void Title_names_the_readers_sections_and_counts_the_stories()
    {
        Assert.Equal("Your World and Sports digest: 5 new stories", DigestComposer.Title(["World", "Sports"], 5));
        Assert.Equal("Your World digest: 1 new story", DigestComposer.Title(["World"], 1));
        Assert.Equal("Your World, Sports and Business digest: 3 new stories", DigestComposer.Title(["World", "Sports", "Business"], 3));
        Assert.Equal("Your news digest: 9 new stories", DigestComposer.Title(["World", "Sports", "Business", "Health"], 9));
    }

    [Fact]
    public void Section_names_come_from_the_stories_the_reader_subscribed_to_in_site_order()
    {
        var catalog = new SectionCatalog(SectionCatalog.SeedSite);
        var stories = new[]
        {
            Story("a", "sports"), Story("b", "world", "business"),
        };
        Assert.Equal(["World", "Sports"], DigestComposer.SectionNames(catalog, ["sports", "world", "health"], stories));
    }

    [Fact]
    public void Body_lists_the_top_headlines_newest_first()
    {
        Assert.Equal("• One\n• Two", DigestComposer.Body(["One", "Two", "Three"], 2));
    }

    [Fact]
    public void Digest_of_long_Urdu_headlines_fits_one_push_without_splitting_a_character()
    {
        var headlines = Enumerable.Range(1, 50).Select(i => $"{i} وزیر اعظم نے اقتصادی اصلاحات کے نئے پیکج کا اعلان کیا، جس سے ملک بھر میں کاروبار کو فائدہ ہوگا").ToList();
        var body = DigestComposer.Body(headlines, 50);
        Assert.True(body.Length <= DigestComposer.MaxBodyLength, $"Body is {body.Length} characters");
        var payload = new PushPayload(Guid.NewGuid().ToString(), "digest", DigestComposer.Title(["Pakistan"], 50), body,
            "https://alerts.example/digest/" + Guid.NewGuid(), null, null, "tag", 0);

        var bytes = PushPayloadBuilder.Build(payload, maxBytes: 1500);

        Assert.True(bytes.Length <= 1500, $"The payload is {bytes.Length} bytes");
        var json = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal("Your Pakistan digest: 50 new stories", json.GetProperty("title").GetString());
        Assert.StartsWith("• 1 وزیر", json.GetProperty("body").GetString());
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(bytes));
    }

    private static DigestStoryView Story(string id, params string[] sections) =>
        new(id, id, null, "https://news.example/" + id, null, sections, DateTime.UtcNow, false);
}
