using System.Security.Cryptography;
using System.Text;

namespace TeamUp.Sandbox;

/// <summary>Pre-signed URLs for export files, like an object store's: the signature is the credential, so no token is needed.</summary>
internal sealed class DownloadSigner
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public Uri? Origin { get; set; }

    public string SignedUrl(ExportJob job, DateTimeOffset expires)
    {
        var path = PathOf(job.Id, job.FileName);
        var unix = expires.ToUnixTimeSeconds();
        return $"{Origin!.ToString().TrimEnd('/')}{path}?expires={unix}&signature={Sign(path, unix)}";
    }

    public static string PathOf(int jobId, string fileName) => $"/exports/{jobId}/{fileName}";

    public bool Verify(string path, long expires, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(path, expires));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    private string Sign(string path, long expires) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"GET\n{path}\n{expires}")));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
