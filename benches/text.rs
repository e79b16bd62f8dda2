//! Micro-benchmarks of the text layer: normalization + structure, and
//! segmentation of one sentence. Each checks its answer inside the loop.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn corpus() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn bench_text(c: &mut Criterion) {
    let text = corpus();
    let expected_sentences = tiqu_text::Prepared::new(&text).structure.sentences.len();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("normalize+structure(corpus)", |b| {
        b.iter(|| {
            let p = tiqu_text::Prepared::new(black_box(&text));
            assert_eq!(p.structure.sentences.len(), expected_sentences);
        })
    });
    g.finish();

    let seg = tiqu_seg::Segmenter::new();
    let sentence = "今年以来，全市开发区“三个一批”活动共签约项目52个，签约额221.23亿元，其中，战新项目43个，签约额211.69亿元，占比分别为82.7%和95.7%；";
    let expected_tokens = seg.segment(sentence).len();
    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(sentence.len() as u64));
    g.bench_function("one sentence", |b| {
        b.iter(|| assert_eq!(seg.segment(black_box(sentence)).len(), expected_tokens))
    });
    g.finish();
}

criterion_group!(benches, bench_text);
criterion_main!(benches);
