import { randomBytes } from 'node:crypto';

/** A typical ~50 KB business message: alternative text/HTML and a small PDF. */
export function typicalMessage(): Buffer {
  const html = `<html><body>${'<p>Quarterly report paragraph with <b>figures</b> and a <a href="https://example.org">link</a>.</p>\r\n'.repeat(200)}</body></html>`;
  const pdf = randomBytes(18 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'Received: from mail.partner.example.org by mx.example.com; Mon, 9 Nov 2026 09:00:00 +0000',
      'From: Partner <partner@partner.example.org>',
      'To: User <user@example.com>',
      'Subject: Quarterly report',
      'Date: Mon, 9 Nov 2026 09:00:00 +0000',
      'Message-ID: <bench-50k@partner.example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Quarterly report text.\r\n'.repeat(100),
      '--a',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '--a--',
      '--m',
      'Content-Type: application/pdf; name=report.pdf',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename=report.pdf',
      '',
      pdf,
      '--m--',
      '',
    ].join('\r\n'),
  );
}

/** A 25 MB message: a short text body and one large base64 attachment. */
export function largeMessage(): Buffer {
  const att = randomBytes(Math.floor((25 * 1024 * 1024 * 0.74) / 1)).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'From: a@example.org\r\nTo: user@example.com\r\nSubject: big\r\nDate: Mon, 9 Nov 2026 09:00:00 +0000\r\nMessage-ID: <bench-25m@example.org>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attachment.\r\n' +
      '--XX\r\nContent-Type: application/zip; name=archive.zip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=archive.zip\r\n\r\n' +
      att +
      '\r\n--XX--\r\n',
    'latin1',
  );
}
