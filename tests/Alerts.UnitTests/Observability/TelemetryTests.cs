using System.Diagnostics;
using Alerts.Observability;

namespace Alerts.UnitTests.Observability;

/// <summary>Work that waits in the store (an outbox row) picks its request's trace up again when it goes on.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == Telemetry.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public TelemetryTests() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void A_stored_traceparent_is_continued_as_the_parent_of_the_later_span()
    {
        string? stored;
        ActivityTraceId requestTrace;
        ActivitySpanId requestSpan;
        using (var request = new Activity("POST /api/alerts").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            stored = Telemetry.CurrentTraceParent;
            requestTrace = request.TraceId;
            requestSpan = request.SpanId;
        }

        using var publish = Telemetry.ContinueTrace("outbox publish", stored);

        Assert.NotNull(publish);
        Assert.Equal(requestTrace, publish.TraceId);
        Assert.Equal(requestSpan, publish.ParentSpanId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-traceparent")]
    public void Without_a_usable_traceparent_the_span_starts_a_trace_of_its_own(string? stored)
    {
        using var publish = Telemetry.ContinueTrace("outbox publish", stored);

        Assert.NotNull(publish);
        Assert.Equal(default, publish.ParentSpanId);
    }
}
