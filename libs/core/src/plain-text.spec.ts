import { plainText, singleLine } from './plain-text';

describe('singleLine / plainText', () => {
  it('keeps ordinary text, including non-Latin letters and emoji', () => {
    expect(singleLine('Maths 7b: "Brüche" – 分数 🎓')).toBe('Maths 7b: "Brüche" – 分数 🎓');
  });

  it('turns line breaks and tabs into a space and removes every other control character', () => {
    expect(singleLine('Ada\r\nBCC: x@evil.test')).toBe('Ada BCC: x@evil.test');
    expect(singleLine('Ti\u0000na\u0007 Te\u001bacher\u007f\u0085\u009f')).toBe('Tina Teacher');
    expect(singleLine('a\tb')).toBe('a b');
    expect(singleLine('a\u2028b\u2029c')).toBe('a b c');
  });

  it('keeps the lines of a description, without other control characters', () => {
    expect(plainText('line 1\r\nline 2\rline 3\n\tindented\u0000\u000b\u000c')).toBe('line 1\nline 2\nline 3\n\tindented');
  });
});
