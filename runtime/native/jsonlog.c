/* jsonlog.c: Docker json-file style log writer.
 * One record per line of each read chunk:
 *   {"stream":"stdout","time":"<RFC3339Nano>","log":"<escaped>"}\n
 * or, with the spec's "logAttrs" (json-file's labels/env options), Docker's "attrs" object too:
 *   {"stream":"stdout","attrs":{"k":"v"},"time":"<RFC3339Nano>","log":"<escaped>"}\n
 * A line keeps its "\n" inside "log"; a trailing partial line becomes its own record.
 * Output is always valid JSON/UTF-8: invalid bytes become U+FFFD; a multibyte
 * character split across reads is carried over to the next chunk.
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MAX 4096
#define RECORD_MAX ((CHUNK_MAX + 4) * 6 + 256)
/* the record being written: RECORD_MAX and the attrs (the same for every record) */
static char *out;

/* length of a valid UTF-8 sequence at p (n bytes available): >0 valid length,
 * 0 = incomplete (valid prefix but truncated), -1 = invalid first byte/sequence */
static int utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	int need;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { need = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { need = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { need = 4; cp = c & 0x07; }
	else return -1;
	for (int i = 1; i < need; i++) {
		if ((size_t)i >= n)
			return 0;
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
		/* reject overlongs / surrogates / > U+10FFFF as early as possible */
		if (i == 1) {
			if (need == 3 && c == 0xE0 && p[1] < 0xA0) return -1;
			if (need == 3 && c == 0xED && p[1] > 0x9F) return -1;
			if (need == 4 && c == 0xF0 && p[1] < 0x90) return -1;
			if (need == 4 && c == 0xF4 && p[1] > 0x8F) return -1;
		}
	}
	(void)cp;
	return need;
}

static size_t put(size_t o, const char *s)
{
	size_t l = strlen(s);
	memcpy(out + o, s, l);
	return o + l;
}

static int emit(struct logfile *log, const char *stream, const char *ts, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	journal_write(&log->journal, stream, p, n);
	if (!out && !(out = malloc(RECORD_MAX + (log->attrs ? strlen(log->attrs) + 16 : 0))))
		return -1;
	o = put(o, "{\"stream\":\"");
	o = put(o, stream);
	if (log->attrs) {
		o = put(o, "\",\"attrs\":");
		o = put(o, log->attrs);
		o = put(o, ",\"time\":\"");
	} else {
		o = put(o, "\",\"time\":\"");
	}
	o = put(o, ts);
	o = put(o, "\",\"log\":\"");
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			int l = utf8_len(p + i, n - i);
			if (l > 0) {
				memcpy(out + o, p + i, (size_t)l);
				o += (size_t)l;
				i += (size_t)l;
			} else {
				o = put(o, "\\ufffd");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': o = put(o, "\\\""); break;
		case '\\': o = put(o, "\\\\"); break;
		case '\n': o = put(o, "\\n"); break;
		case '\r': o = put(o, "\\r"); break;
		case '\t': o = put(o, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				o = put(o, "\\u00");
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			} else {
				out[o++] = (char)c;
			}
		}
		i++;
	}
	o = put(o, "\"}\n");
	return logfile_write(log, out, o);
}

/* data must be at most CHUNK_MAX bytes. final = flush any carried partial char. */
int jsonlog_write(struct logfile *log, const char *stream, const unsigned char *data, size_t len,
		  struct jsonlog_carry *carry, int final)
{
	unsigned char buf[CHUNK_MAX + 4];
	size_t n = 0;
	char ts[64];
	int rc = 0;

	if (len > CHUNK_MAX)
		len = CHUNK_MAX;
	memcpy(buf, carry->buf, carry->len);
	n = carry->len;
	memcpy(buf + n, data, len);
	n += len;
	carry->len = 0;

	if (!final) {
		/* hold back a truncated (but so far valid) multibyte char at the end */
		size_t start = n > 3 ? n - 3 : 0;
		for (size_t i = start; i < n; i++) {
			if (buf[i] >= 0xC0 && utf8_len(buf + i, n - i) == 0) {
				carry->len = n - i;
				memcpy(carry->buf, buf + i, carry->len);
				n = i;
				break;
			}
		}
	}
	if (n == 0)
		return 0;
	fmt_time_rfc3339nano(ts, sizeof ts);
	size_t s = 0;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (emit(log, stream, ts, buf + s, i + 1 - s) < 0)
				rc = -1;
			s = i + 1;
		}
	}
	if (s < n && emit(log, stream, ts, buf + s, n - s) < 0)
		rc = -1;
	return rc;
}
