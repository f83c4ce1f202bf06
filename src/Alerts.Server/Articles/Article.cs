using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Articles;

/// <summary>An article the CMS announced. Kept for the front page, digests and de-duplication.</summary>
public sealed class Article
{
    public required string ArticleId { get; set; }
    public required string Title { get; set; }
    public string? Summary { get; set; }
    public required string Url { get; set; }
    public string? ImageUrl { get; set; }
    public List<ArticleSection> Sections { get; set; } = [];
    public DateTime PublishedAt { get; set; }
    public DateTime ReceivedAt { get; set; }
    public bool Breaking { get; set; }
}

public sealed class ArticleSection
{
    public required string ArticleId { get; set; }
    public required string SectionId { get; set; }
    /// <summary>Copied from the article so digests can find a section's stories since a time with one index.</summary>
    public DateTime PublishedAt { get; set; }
}

public static class ArticleLimits
{
    public const int ArticleIdLength = 200;
    public const int TitleLength = 300;
    public const int SummaryLength = 1000;
    public const int UrlLength = 2048;
}

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> builder)
    {
        builder.ToTable("articles");
        builder.HasKey(a => a.ArticleId);
        builder.Property(a => a.ArticleId).HasMaxLength(ArticleLimits.ArticleIdLength);
        builder.Property(a => a.Title).HasMaxLength(ArticleLimits.TitleLength);
        builder.Property(a => a.Summary).HasMaxLength(ArticleLimits.SummaryLength);
        builder.Property(a => a.Url).HasMaxLength(ArticleLimits.UrlLength);
        builder.Property(a => a.ImageUrl).HasMaxLength(ArticleLimits.UrlLength);
        builder.HasIndex(a => a.PublishedAt);
        builder.HasMany(a => a.Sections).WithOne().HasForeignKey(s => s.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ArticleSectionConfiguration : IEntityTypeConfiguration<ArticleSection>
{
    public void Configure(EntityTypeBuilder<ArticleSection> builder)
    {
        builder.ToTable("article_sections");
        builder.HasKey(s => new { s.ArticleId, s.SectionId });
        builder.Property(s => s.SectionId).HasMaxLength(64);
        builder.HasIndex(s => new { s.SectionId, s.PublishedAt });
    }
}
