using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dtc.DevMailSink;

/// <summary>A page listing the kept emails, newest first, and each one as text: the dashboard links to it.</summary>
public static class Mailbox
{
    public static WebApplication MapMailbox(this WebApplication app)
    {
        app.MapGet("/", (IOptions<MailSinkOptions> options) =>
        {
            var rows = Files(options.Value.Folder).Take(200).Select(file =>
            {
                using var message = MimeMessage.Load(file.FullName);
                return $"<tr><td>{file.LastWriteTimeUtc:u}</td><td>{Html(message.To.ToString())}</td>"
                    + $"<td><a href=\"/mail/{Html(file.Name)}\">{Html(message.Subject ?? "(no subject)")}</a></td></tr>";
            });
            return Results.Content($"""
                <!doctype html><title>Dtc mail sink</title>
                <h1>Emails sent in development</h1><p>Files: {Html(Path.GetFullPath(options.Value.Folder))}</p>
                <table><tr><th>received (UTC)</th><th>to</th><th>subject</th></tr>{string.Concat(rows)}</table>
                """, "text/html");
        });
        app.MapGet("/mail/{name}", (string name, IOptions<MailSinkOptions> options) =>
            Files(options.Value.Folder).FirstOrDefault(f => f.Name == name) is { } file
                ? Results.Text(File.ReadAllText(file.FullName), "text/plain")
                : Results.NotFound());
        return app;
    }

    static IEnumerable<FileInfo> Files(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).GetFiles("*.eml").OrderByDescending(f => f.Name) : [];

    static string Html(string s) => WebUtility.HtmlEncode(s);
}
