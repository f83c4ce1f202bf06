using Alerts.Operations;
using Alerts.WebPush;

namespace Alerts.UnitTests.Operations;

/// <summary>The operator's commands that need no store and no broker, and how the binary tells a command from a server start.</summary>
public sealed class OperatorCommandsTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await OperatorCommands.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Generate_vapid_keys_prints_a_matching_pair_as_environment_lines()
    {
        var (exit, output, _) = await RunAsync("generate-vapid-keys");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["Alerts__Vapid__PublicKey", "Alerts__Vapid__PrivateKey"], lines.Keys);
        var keys = VapidKeys.FromBase64Url(lines["Alerts__Vapid__PublicKey"], lines["Alerts__Vapid__PrivateKey"]);
        Assert.Equal(lines["Alerts__Vapid__PublicKey"], keys.PublicKey);
    }

    [Fact]
    public async Task Generate_vapid_keys_prints_a_new_pair_each_time_and_warns_on_standard_error_only()
    {
        var first = await RunAsync("generate-vapid-keys");
        var second = await RunAsync("generate-vapid-keys");

        Assert.NotEqual(first.Output, second.Output);
        Assert.Contains("every existing subscription", first.Error);
        Assert.DoesNotContain("subscription", first.Output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--urls=http://127.0.0.1:5080")]
    [InlineData("--Alerts:Roles=Worker migrate")]
    [InlineData("generate-keys")]
    public void Server_arguments_and_unknown_words_start_the_server(string args) =>
        Assert.False(OperatorCommands.Recognizes(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    [Theory]
    [InlineData("generate-vapid-keys")]
    [InlineData("migrate")]
    [InlineData("redrive-errors")]
    [InlineData("import-subscriptions")]
    [InlineData("help")]
    public void Each_verb_is_a_command(string verb) => Assert.True(OperatorCommands.Recognizes([verb, "--Alerts:Storage=Postgres"]));

    [Theory]
    [InlineData("redrive-errors", "QUEUE is required")]
    [InlineData("import-subscriptions", "FILE is required")]
    public async Task A_missing_operand_fails_with_usage(string verb, string expected)
    {
        var (exit, output, error) = await RunAsync(verb);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains(expected, error);
        Assert.Contains("Usage:", error);
    }

    [Fact]
    public async Task Import_of_a_missing_file_fails_naming_it()
    {
        var (exit, _, error) = await RunAsync("import-subscriptions", "/nonexistent/readers.ndjson");

        Assert.Equal(1, exit);
        Assert.Contains("There is no file /nonexistent/readers.ndjson", error);
    }

    [Theory]
    [InlineData("article-published", "article-published_error", "article-published")]
    [InlineData("article-published_error", "article-published_error", "article-published")]
    [InlineData(" deliver-notification-batch_error ", "deliver-notification-batch_error", "deliver-notification-batch")]
    public void Redrive_takes_the_queue_or_its_error_queue(string given, string errorQueue, string queue) =>
        Assert.Equal((errorQueue, queue), RedriveErrorsCommandNames(given));

    [Fact]
    public async Task Redrive_refuses_a_connection_string_that_is_not_amqp_naming_the_key()
    {
        var (exit, _, error) = await RunAsync("redrive-errors", "article-published", "--ConnectionStrings:RabbitMq=http://127.0.0.1:5672/");

        Assert.Equal(1, exit);
        Assert.Contains("'ConnectionStrings:RabbitMq'", error);
    }

    private static (string, string) RedriveErrorsCommandNames(string name) => RedriveErrorsCommand.QueueNames(name);
}
